import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, getRule, isPlasticityError, packEventBatch, parseConfig } from '@plasticity/core-tensors';
import type { Batch, TaskSpec } from '@plasticity/core-tensors';
import { expectNoLeaks, testBackends, useBackend } from '@plasticity/core-tensors/testing';
import { eventpropRule } from './index.js';
import type { EventpropConfigInput } from './config.js';

const backends = await testBackends();
const TASK: TaskSpec = { input: { kind: 'dense', shape: [2] }, outputs: 2, kind: 'classification' };

/** Two classes by whether x > 0.5, features [x, 1 − x] in [0, 1]. */
function bandData(n: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = rng.uniform();
    x[2 * i] = v;
    x[2 * i + 1] = 1 - v;
    y[i] = v > 0.5 ? 1 : 0;
  }
  return { x, y };
}

const config = (raw: EventpropConfigInput = {}) => parseConfig(eventpropRule, raw);

test('importing the package registers the rule', () => {
  expect(getRule('eventprop')).toBe(eventpropRule);
});

describe('config', () => {
  test('{} is valid and gets defaults', () => {
    const c = config();
    expect(c.hidden).toEqual([200]);
    expect(c.loss).toBe('max-voltage');
    expect([c.tauMem, c.tauSyn, c.threshold]).toEqual([20, 5, 1]);
    expect(c.ttfs).toEqual({ tau0: 0.5, tau1: 6.4, alpha: 0.003, silentPush: 1 });
  });

  test.each([
    ['hidden[0]', { hidden: [-3] }],
    ['loss', { loss: 'hinge' }],
    ['tauMem', { tauMem: 0 }],
    ['encoder.span', { encoder: { span: -1 } }],
    ['hiden', { hiden: [10] }],
  ])('bad %s is an E_CONFIG error', (path, raw) => {
    let error: unknown;
    try {
      parseConfig(eventpropRule, raw);
    } catch (e) {
      error = e;
    }
    expect(isPlasticityError(error) && error.code === 'E_CONFIG').toBe(true);
    expect(String((error as Error).message)).toContain(path);
  });

  test.each([
    ['sum-voltage', 'mean-voltage'],
    ['exp-sum-voltage', 'exp-mean-voltage'],
  ])('the old loss name %s is an E_CONFIG error naming %s', (old, renamed) => {
    expect(() => parseConfig(eventpropRule, { loss: old })).toThrow(`loss: expected "${renamed}"`);
  });

  test('equal time constants, an init list of the wrong length and time-binned input are refused', () => {
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return isPlasticityError(e) ? e.code : 'other';
      }
      return 'none';
    };
    expect(codeOf(() => eventpropRule.create(config({ tauSyn: 20 }), TASK, 0))).toBe('E_CONFIG');
    expect(codeOf(() => eventpropRule.create(config({ init: [{ mean: 1, std: 1 }] }), TASK, 0))).toBe(
      'E_CONFIG',
    );
    const binned: TaskSpec = {
      input: { kind: 'spikes', steps: 10, channels: 2, dt: 1 },
      outputs: 2,
      kind: 'classification',
    };
    expect(codeOf(() => eventpropRule.create(config(), binned, 0))).toBe('E_CONFIG');
  });
});

describe.each(backends)('learner on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test.each(['ttfs', 'max-voltage'] as const)('learns a two-band problem (%s)', async (loss) => {
    const learner = eventpropRule.create(
      config({
        hidden: [20],
        loss,
        encoder: { t0: 0, span: 20, bias: { time: 10 } },
        duration: 50,
        learningRate: 2e-2,
        ...(loss === 'ttfs'
          ? {
              init: [
                { mean: 2, std: 1.5 },
                { mean: 0.8, std: 0.3 },
              ],
            }
          : {}),
      }),
      TASK,
      7,
    );
    const { x, y } = bandData(256, 1);
    const batch = { x: tf.tensor2d(x, [256, 2]), y: tf.tensor1d(y, 'int32'), size: 256 } satisfies Batch;
    let metrics = await learner.trainStep(batch);
    const first = metrics.accuracy;
    let best = first;
    for (let step = 0; step < 60; step++) {
      metrics = await learner.trainStep(batch);
      best = Math.max(best, metrics.accuracy);
    }
    // Full-batch Adam at this rate oscillates; the best step shows that it learned.
    expect(first).toBeLessThan(0.75);
    expect(best).toBeGreaterThan(0.85);
    expect(metrics.hiddenRate).toBeGreaterThan(0);
    expect(metrics.silentFraction).toBeLessThan(1);
    tf.dispose([batch.x, batch.y]);
    learner.dispose();
  });

  test('hiddenRate is in Hz: hidden spikes per neuron per second of simulated time', async () => {
    const learner = eventpropRule.create(
      config({ hidden: [20], encoder: { t0: 0, span: 20, bias: { time: 10 } }, duration: 50, threads: 1 }),
      TASK,
      5,
    );
    const { x, y } = bandData(16, 2);
    const batch = { x: tf.tensor2d(x, [16, 2]), y: tf.tensor1d(y, 'int32'), size: 16 } satisfies Batch;
    // Spikes of the same weights, counted from the rasters before the step changes them.
    const seen = await learner.inspect!(batch.x, { samples: 16 });
    const hidden = seen.layers.find((l) => l.name === 'hidden 1')!;
    const spikes = hidden.samples.reduce((sum, s) => sum + s.times.length, 0);
    expect(spikes).toBeGreaterThan(0);
    const metrics = await learner.trainStep(batch);
    expect(metrics.hiddenRate).toBeCloseTo(spikes / (20 * 16 * 0.05), 6);
    expect(eventpropRule.metrics?.hiddenRate).toEqual({ label: 'hidden firing rate', unit: 'Hz' });
    tf.dispose([batch.x, batch.y]);
    learner.dispose();
  });

  test('no tensor leaks over many steps, predict and inspect', async () => {
    const start = tf.memory().numTensors;
    const learner = eventpropRule.create(
      config({ hidden: [8, 6], loss: 'ttfs', encoder: { t0: 0, span: 20 } }),
      TASK,
      3,
    );
    const { x, y } = bandData(16, 2);
    const batch = { x: tf.tensor2d(x, [16, 2]), y: tf.tensor1d(y, 'int32'), size: 16 } satisfies Batch;
    await expectNoLeaks(() => learner.trainStep(batch), { warmup: 1, repeats: 20 });
    await expectNoLeaks(async () => (await learner.predict(batch.x)).dispose(), { repeats: 3 });
    await expectNoLeaks(() => learner.inspect?.(batch.x), { repeats: 2 });
    tf.dispose([batch.x, batch.y]);
    learner.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  test('silentBoost adds the boost to every input weight of neurons silent for the whole batch', async () => {
    // Hidden neuron 0 is held far below threshold, neuron 1 fires on every sample.
    const learner = eventpropRule.create(
      config({
        hidden: [2],
        loss: 'max-voltage',
        silentBoost: 0.25,
        learningRate: 1e-9,
        init: [
          { mean: 0, std: 0 },
          { mean: 0.5, std: 0 },
        ],
      }),
      TASK,
      1,
    );
    const kernel = learner.params['layers.0.kernel'];
    kernel.assign(
      tf.tensor2d([
        [-5, 20],
        [-5, 20],
      ]),
    );
    const { x, y } = bandData(8, 3);
    const batch = { x: tf.tensor2d(x, [8, 2]), y: tf.tensor1d(y, 'int32'), size: 8 } satisfies Batch;
    const metrics = await learner.trainStep(batch);
    expect(metrics.silentFraction).toBe(0.5);
    const after = Array.from(await kernel.data());
    [-4.75, 20, -4.75, 20].forEach((w, k) => expect(after[k]).toBeCloseTo(w, 5));
    tf.dispose([batch.x, batch.y]);
    learner.dispose();
  });

  test('gradientNorm is the step’s gradient norm, and clipNorm caps it', async () => {
    const { x, y } = bandData(32, 4);
    const batch = { x: tf.tensor2d(x, [32, 2]), y: tf.tensor1d(y, 'int32'), size: 32 } satisfies Batch;
    // Plain SGD at rate 1: the weights move by exactly the (clipped) gradient.
    const moved = async (clipNorm?: number) => {
      const learner = eventpropRule.create(
        config({ hidden: [12], loss: 'max-voltage', optimizer: 'sgd', learningRate: 1, clipNorm }),
        TASK,
        5,
      );
      const before = await Promise.all(Object.values(learner.params).map((p) => p.data()));
      const metrics = await learner.trainStep(batch);
      const after = await Promise.all(Object.values(learner.params).map((p) => p.data()));
      let sum = 0;
      after.forEach((a, k) => a.forEach((v, i) => (sum += (v - before[k][i]) ** 2)));
      learner.dispose();
      return { step: Math.sqrt(sum), norm: metrics.gradientNorm as number };
    };
    const free = await moved();
    expect(free.norm).toBeGreaterThan(0.01);
    expect(free.step / free.norm).toBeCloseTo(1, 3);
    const clipped = await moved(free.norm / 10);
    expect(clipped.norm).toBeCloseTo(free.norm, 6);
    expect(clipped.step / (free.norm / 10)).toBeCloseTo(1, 3);
    tf.dispose([batch.x, batch.y]);
  });

  test('event-list input: trains, predicts and inspects rasters and traces', async () => {
    const task: TaskSpec = {
      input: { kind: 'events', channels: 3, duration: 30 },
      outputs: 2,
      kind: 'classification',
    };
    const learner = eventpropRule.create(
      config({ hidden: [{ size: 5, recurrent: true }], loss: 'exp-mean-voltage' }),
      task,
      5,
    );
    const x = packEventBatch(
      [
        { times: Float32Array.of(1, 2, 5), units: Int32Array.of(0, 2, 1) },
        { times: Float32Array.of(3), units: Int32Array.of(1) },
      ],
      3,
      30,
    );
    const y = tf.tensor1d([0, 1], 'int32');
    const metrics = await learner.trainStep({ x, y, size: 2 });
    expect(Number.isFinite(metrics.loss)).toBe(true);
    const scores = await learner.predict(x);
    expect(scores.shape).toEqual([2, 2]);
    const seen = await learner.inspect!(x, { samples: 1, traceDt: 1 });
    expect(seen.duration).toBe(30);
    expect(seen.layers.map((l) => [l.name, l.size, l.samples.length])).toEqual([
      ['input', 3, 1],
      ['hidden 1', 5, 1],
    ]);
    expect(Array.from(seen.layers[0].samples[0].units)).toEqual([0, 2, 1]);
    expect(seen.traces?.steps).toBe(30);
    expect(seen.traces?.samples[0].length).toBe(30 * 2);
    // A dense tensor is the wrong input form for this learner.
    await expect(learner.predict(tf.zeros([1, 3]))).rejects.toThrow(/event lists/);
    tf.dispose([scores, y]);
    learner.dispose();
  });
});
