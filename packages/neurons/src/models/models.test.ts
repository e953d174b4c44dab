// Every neuron model's step function, run over time on every backend, against the float64
// references written from the model equations; parameter factories' defaults and errors.
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, isPlasticityError } from '@plasticity/core-tensors';
import {
  assertClose,
  expectNoLeaks,
  testBackends,
  tolerance,
  useBackend,
} from '@plasticity/core-tensors/testing';
import { referenceDiscreteLif, referenceLifExp } from '../__fixtures__/reference.js';
import { heaviside } from '../surrogate.js';
import { leakyIntegratorStep } from './lif-exp.js';
import type { NeuronParams } from './params.js';
import {
  alifParams,
  integrateAndFireParams,
  leakyIntegratorParams,
  lifExpParams,
  lifParams,
} from './params.js';
import type { NeuronState } from './state.js';
import { initialState, stateTensors } from './state.js';
import { neuronStep } from './step.js';

const backends = await testBackends();
const [T, WIDTH] = [60, 8];

/** Runs `params` for T steps over `drive [T, WIDTH]` through neuronStep; returns per-step arrays. */
async function runSteps(
  params: NeuronParams,
  drive: Float32Array,
): Promise<{ spikes: number[][]; v: number[][] }> {
  let state = initialState(params, 1, WIDTH);
  const out = { spikes: [] as number[][], v: [] as number[][] };
  for (let t = 0; t < T; t++) {
    const input = tf.tensor2d(drive.subarray(t * WIDTH, (t + 1) * WIDTH), [1, WIDTH]);
    const step = neuronStep(params, input, state, heaviside);
    out.spikes.push(Array.from(await step.spikes.data()));
    out.v.push(Array.from(await step.v.data()));
    disposeExcept([input, step.spikes, step.v, ...stateTensors(state)], step.state);
    state = step.state;
  }
  tf.dispose(stateTensors(state));
  return out;
}

/** Disposes what a step made or replaced, keeping the tensors the next state still holds. */
function disposeExcept(tensors: tf.Tensor[], next: NeuronState): void {
  const kept = new Set(stateTensors(next));
  tf.dispose(tensors.filter((t) => !kept.has(t)));
}

const columnOf = (rows: number[][], j: number) => rows.map((r) => r[j]);

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });
  const rng = createRng(5);
  const drive = Float32Array.from(rng.fork('drive').normalArray(T * WIDTH, 0.25, 0.5));
  const driveColumn = (j: number) => Array.from({ length: T }, (_, t) => drive[t * WIDTH + j]);

  const cases: [string, NeuronParams, (d: number[]) => { spikes: number[]; v: number[] }][] = [
    [
      'lifExp',
      lifExpParams({ tauMem: 20, tauSyn: 5, dt: 1 }),
      (d) => referenceLifExp(d, { tauMem: 20, tauSyn: 5, threshold: 1, dt: 1 }),
    ],
    [
      'lifExp refractory',
      lifExpParams({ tauMem: 20, tauSyn: 5, dt: 1, refractory: 2 }),
      (d) => referenceLifExp(d, { tauMem: 20, tauSyn: 5, threshold: 1, dt: 1, refractory: 2 }),
    ],
    [
      'lif subtract',
      lifParams({ tauMem: 10, dt: 1 }),
      (d) => referenceDiscreteLif(d, { beta: Math.exp(-0.1), threshold: 1, reset: 'subtract' }),
    ],
    [
      'lif zero',
      lifParams({ tauMem: 10, dt: 1, reset: 'zero' }),
      (d) => referenceDiscreteLif(d, { beta: Math.exp(-0.1), threshold: 1, reset: 'zero' }),
    ],
    [
      'integrateAndFire',
      integrateAndFireParams({ threshold: 2 }),
      (d) => referenceDiscreteLif(d, { beta: 1, threshold: 2, reset: 'subtract' }),
    ],
    [
      'alif',
      alifParams({ tauMem: 10, tauAdapt: 50, adaptation: 0.5, dt: 1 }),
      (d) =>
        referenceDiscreteLif(d, {
          beta: Math.exp(-0.1),
          threshold: 1,
          reset: 'subtract',
          rho: Math.exp(-1 / 50),
          adaptation: 0.5,
        }),
    ],
  ];

  test.each(cases)('%s matches the float64 reference', async (_name, params, reference) => {
    const out = await runSteps(params, drive);
    let spikes = 0;
    for (let j = 0; j < WIDTH; j++) {
      const ref = reference(driveColumn(j));
      expect(columnOf(out.spikes, j)).toEqual(ref.spikes);
      assertClose(columnOf(out.v, j), ref.v, tolerance(backend), `${backend} ${params.kind} v[${j}]`);
      spikes += ref.spikes.reduce((a, s) => a + s, 0);
    }
    expect(spikes).toBeGreaterThan(WIDTH); // resets are exercised
  });

  test('ALIF adaptation raises the threshold: fewer spikes than the same LIF', async () => {
    const count = async (p: NeuronParams) =>
      (await runSteps(p, drive)).spikes.flat().reduce((a, s) => a + s, 0);
    expect(await count(alifParams({ tauMem: 10, adaptation: 0.5 }))).toBeLessThan(
      await count(lifParams({ tauMem: 10 })),
    );
  });

  test('leaky integrator: one input pulse gives the closed-form double exponential', async () => {
    const params = leakyIntegratorParams({ tauMem: 12, tauSyn: 3, dt: 0.25 });
    let state = initialState(params, 1, 1);
    const got: number[] = [];
    for (let t = 0; t < 200; t++) {
      const input = tf.tensor2d([t === 0 ? 2 : 0], [1, 1]);
      const out = leakyIntegratorStep(params, input, state);
      got.push((await out.v.data())[0]);
      disposeExcept([input, out.v, ...stateTensors(state)], out.state);
      state = out.state;
    }
    tf.dispose(stateTensors(state));
    // Input at step 0 (time 0) reaches V from step 1: V(t) = w·τs/(τm − τs)·(e^(−t/τm) − e^(−t/τs)).
    const expected = got.map(
      (_, t) => ((2 * 3) / (12 - 3)) * (Math.exp((-t * 0.25) / 12) - Math.exp((-t * 0.25) / 3)),
    );
    assertClose(got, expected, tolerance(backend), `${backend} LI pulse response`);
  });

  test('equal time constants use the limit (dt/τ)·e^(−t/τ)', async () => {
    const params = leakyIntegratorParams({ tauMem: 5, tauSyn: 5, dt: 0.5 });
    let state = initialState(params, 1, 1);
    const got: number[] = [];
    for (let t = 0; t < 40; t++) {
      const input = tf.tensor2d([t === 0 ? 1 : 0], [1, 1]);
      const out = leakyIntegratorStep(params, input, state);
      got.push((await out.v.data())[0]);
      disposeExcept([input, out.v, ...stateTensors(state)], out.state);
      state = out.state;
    }
    tf.dispose(stateTensors(state));
    const expected = got.map((_, t) => ((t * 0.5) / 5) * Math.exp((-t * 0.5) / 5));
    assertClose(got, expected, tolerance(backend), `${backend} LI τm = τs`);
  });

  test('steps leak no tensors', async () => {
    const params = alifParams({ refractory: 2 });
    const input = tf.ones([2, 3]);
    await expectNoLeaks(() => {
      const state = initialState(params, 2, 3);
      const out = neuronStep(params, input, state, heaviside);
      tf.dispose([...new Set([out.spikes, out.v, ...stateTensors(state), ...stateTensors(out.state)])]);
    });
    input.dispose();
  });
});

describe('parameter factories', () => {
  test('fill defaults and freeze', () => {
    const p = lifExpParams();
    expect(p).toEqual({ kind: 'lifExp', tauMem: 20, tauSyn: 5, threshold: 1, dt: 1, refractory: 0 });
    expect(Object.isFrozen(p)).toBe(true);
    expect(lifParams({ reset: 'zero' }).reset).toBe('zero');
  });

  test.each([
    ['tauMem', () => lifExpParams({ tauMem: -1 })],
    ['dt', () => lifParams({ dt: 0 })],
    ['threshold', () => integrateAndFireParams({ threshold: Number.NaN })],
    ['refractory', () => alifParams({ refractory: -2 })],
    ['tauSyn', () => leakyIntegratorParams({ tauSyn: 0 })],
    ['tauMen', () => lifExpParams({ tauMen: 3 } as never)],
  ])('E_CONFIG names the bad field %s', (field, make) => {
    try {
      make();
      throw new Error('expected an error');
    } catch (error) {
      expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
      expect((error as Error).message).toContain(field);
    }
  });
});
