import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@plasticity/core-tensors';
import { expectNoLeaks, testBackends, useBackend } from '@plasticity/core-tensors/testing';
import { denseSpiking } from './layers/dense-spiking.js';
import { leakyIntegrator } from './layers/leaky-integrator.js';
import { leakyIntegratorParams, lifExpParams } from './models/params.js';
import { simulate } from './simulate.js';
import { heaviside } from './surrogate.js';

const backends = await testBackends();
const [T, B, IN, H, OUT] = [50, 2, 5, 6, 3];

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });
  const rng = createRng(21);
  const dt = 0.5;
  const hidden = denseSpiking({ inputs: IN, units: H, model: lifExpParams({ dt }), name: 'hidden' });
  const readout = leakyIntegrator({ inputs: H, units: OUT, model: leakyIntegratorParams({ dt }) });
  const xValues = Float32Array.from(rng.fork('x').uniformArray(T * B * IN, 0, 1), (u) => (u < 0.15 ? 1 : 0));

  test('event lists and traces match the layers’ tensors', async () => {
    const x = tf.tensor3d(xValues, [T, B, IN]);
    const weights = [
      { kernel: tf.tensor2d(rng.fork('w1').normalArray(IN * H, 1.5, 0.5), [IN, H]) },
      { kernel: tf.tensor2d(rng.fork('w2').normalArray(H * OUT, 0.5, 0.5), [H, OUT]) },
    ];
    const result = await simulate([hidden, readout], weights, x, { recordVoltage: true });
    expect(result.layers.map((l) => [l.name, l.size])).toEqual([
      ['input', IN],
      ['hidden', H],
    ]);
    const direct = hidden.run(weights[0], x, heaviside, { record: true });
    const spikes = await direct.spikes.data();
    const hv = await direct.v!.data();
    for (let b = 0; b < B; b++) {
      const { times, units } = result.layers[1].samples[b];
      const expected: [number, number][] = [];
      for (let t = 0; t < T; t++)
        for (let n = 0; n < H; n++) if (spikes[(t * B + b) * H + n]) expected.push([t * dt, n]);
      expect(expected.length).toBeGreaterThan(0);
      expect(Array.from(times, (time, k) => [time, units[k]])).toEqual(expected);
      const inputCount = xValues.filter((_, k) => Math.floor(k / IN) % B === b && xValues[k]).length;
      expect(result.layers[0].samples[b].times.length).toBe(inputCount);
      expect(result.traces[0].samples[b][7 * H + 2]).toBe(hv[(7 * B + b) * H + 2]);
    }
    expect(result.traces.map((t) => [t.name, t.steps, t.units, t.dt])).toEqual([
      ['hidden', T, H, dt],
      ['readout', T, OUT, dt],
    ]);
    tf.dispose([x, direct.spikes, direct.v!, ...weights.map((w) => w.kernel)]);
  });

  test('leaks nothing; mismatched dt is E_CONFIG', async () => {
    const x = tf.tensor3d(xValues, [T, B, IN]);
    const weights = [{ kernel: tf.ones([IN, H]) }, { kernel: tf.ones([H, OUT]) }];
    await expectNoLeaks(() => simulate([hidden, readout], weights, x, { recordVoltage: true }));
    const other = leakyIntegrator({ inputs: H, units: OUT, model: leakyIntegratorParams({ dt: 1 }) });
    await expect(simulate([hidden, other], weights, x)).rejects.toThrow(/dt/);
    tf.dispose([x, ...weights.map((w) => w.kernel)]);
  });
});
