// A gated-theta layer in a layer list: its synaptic output (not its spikes) feeds the next layer
// and the recurrence, exactly as a hand-written loop of gatedThetaStep; gradients need no surrogate.
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { isPlasticityError } from '@plasticity/core-tensors';
import {
  assertClose,
  expectNoLeaks,
  testBackends,
  tolerance,
  useBackend,
} from '@plasticity/core-tensors/testing';
import { gatedThetaStep } from '../models/gated-theta.js';
import { gatedThetaParams } from '../models/params.js';
import { initialState } from '../models/state.js';
import { heaviside } from '../surrogate.js';
import { createSpikingNetwork } from './network.js';
import type { LayerSpec } from './spec.js';

const backends = await testBackends();
const [T, B, IN, UNITS] = [30, 2, 3, 4];
const layers: LayerSpec[] = [
  { type: 'recurrent', units: UNITS, init: { dist: 'normal', mean: 0.4, std: 0.5 } },
  { type: 'gated-theta', tauMem: 4, gateWidth: 1.2 },
  { type: 'dense', units: 2 },
  { type: 'li', tauMem: 2, tauSyn: 1 },
];

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test('the synaptic output drives the readout and the recurrence, as a loop of gatedThetaStep', async () => {
    const network = createSpikingNetwork(layers, [IN], { seed: 3, surrogate: heaviside });
    const x = tf.randomUniform([T, B, IN], 0, 1, 'float32', 1);
    const run = network.run(x);
    const model = gatedThetaParams({ tauMem: 4, gateWidth: 1.2 });
    const expected = tf.tidy(() => {
      const kernel = network.params['layers.0.kernel'];
      const recurrent = network.params['layers.0.recurrent'];
      let state = initialState(model, B, UNITS);
      const outputs = tf.unstack(x).map((input) => {
        const drive = tf.add(tf.matMul(input, kernel), tf.matMul(state.synapse!, recurrent));
        const step = gatedThetaStep(model, drive, state);
        state = step.state;
        return step.output;
      });
      return tf.stack(outputs);
    });
    const tol = tolerance(backend);
    assertClose(await run.layers[1].synapse!.data(), await expected.data(), tol, `${backend} synapse`);
    const spikes = Array.from(await run.layers[1].spikes!.data());
    expect(spikes.reduce((a, s) => a + s, 0)).toBeGreaterThan(0);
    expect(spikes.every((s) => s === 0 || s === 1)).toBe(true);
    // The dense layer reads s: its drive is s·kernel (checked through the li readout's shape).
    expect(run.output.shape).toEqual([T, B, 2]);
    tf.dispose([x, run, expected]);
    network.dispose();
  });

  test('gradients reach every weight without a surrogate, and nothing leaks', async () => {
    const network = createSpikingNetwork(layers, [IN], { seed: 3, surrogate: heaviside });
    const x = tf.randomUniform([T, B, IN], 0, 1, 'float32', 2);
    const names = Object.keys(network.params);
    const lossOf = () => tf.sum(tf.square(network.run(x).output)) as tf.Scalar;
    const { grads, value } = tf.variableGrads(lossOf, names.map((n) => network.params[n]) as tf.Variable[]);
    for (const name of names) {
      const norm = (await tf.tidy(() => tf.norm(grads[network.params[name].name])).data())[0];
      expect(norm).toBeGreaterThan(0);
    }
    tf.dispose([value, ...Object.values(grads)]);
    await expectNoLeaks(() => {
      const { grads: g, value: v } = tf.variableGrads(lossOf);
      tf.dispose([v, ...Object.values(g)]);
    });
    tf.dispose(x);
    network.dispose();
  });
});

test('a bad gated-theta field is E_CONFIG naming the layer and field', () => {
  const error = (() => {
    try {
      createSpikingNetwork([{ type: 'gated-theta', gateWidth: -1 }], [2]);
    } catch (e) {
      return e;
    }
  })();
  expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
  expect((error as Error).message).toMatch(/^layer 0 \(gated-theta\): [^]*gateWidth/);
});
