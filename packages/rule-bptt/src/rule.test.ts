import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import {
  HIDDEN_ACTIVITY_METRICS,
  createRng,
  getRule,
  isPlasticityError,
  packEventBatch,
  parseConfig,
  parseFitSettings,
  resolveRecipe,
} from '@plasticity/core-tensors';
import type { TaskSpec } from '@plasticity/core-tensors';
import { expectNoLeaks, memorySplit, testBackends, useBackend } from '@plasticity/core-tensors/testing';
import { bpttRule } from './index.js';
import type { BpttConfig, BpttConfigInput } from './config.js';

const backends = await testBackends();

const TWO_FEATURES: TaskSpec = { input: { kind: 'dense', shape: [2] }, outputs: 2, kind: 'classification' };

function config(raw: BpttConfigInput = {}): BpttConfig {
  return parseConfig(bpttRule, raw);
}

/** Which of two features in [0, 1] is larger: with latency coding, which input spikes first. */
function orderData(n: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.uniform();
    let b = rng.uniform();
    while (Math.abs(a - b) < 0.1) b = rng.uniform(); // a margin of ≥ 2 ms between the two spikes
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[i] = a > b ? 1 : 0;
  }
  return { x, y };
}

test('importing the package registers the rule', () => {
  expect(getRule('bptt')).toBe(bpttRule);
});

describe('config', () => {
  test('{} is valid and gets the documented defaults', () => {
    expect(config()).toEqual({
      hidden: [128],
      recurrent: false,
      tauMem: 20,
      tauSyn: 5,
      threshold: 1,
      surrogate: 'fast-sigmoid',
      loss: 'max-voltage',
      encoder: { t0: 0, span: 30, invert: false },
      inputCoding: 'latency',
      optimizer: 'adam',
      learningRate: 1e-3,
      momentum: 0.9,
      nesterov: false,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    });
  });

  test.each([
    ['hidden', { hidden: [] }],
    ['hidden[0]', { hidden: [1.5] }],
    ['surrogate', { surrogate: 'sigmoid' }],
    ['loss', { loss: 'first-spike' }],
    ['tauMem', { tauMem: 0 }],
    ['encoder.span', { encoder: { span: -1 } }],
    ['encoder.bias', { encoder: { bias: 20 } }],
    ['init[0].std', { init: [{ mean: 0, std: -1 }] }],
    ['recurent', { recurent: true }],
  ])('bad %s is an E_CONFIG error naming the field', (path, raw) => {
    let error: unknown;
    try {
      parseConfig(bpttRule, raw, 'test.json');
    } catch (e) {
      error = e;
    }
    expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
    const issues = (error as { details: { issues: { path: string }[] } }).details.issues;
    expect(issues.map((i) => i.path)).toEqual([path]);
  });

  test.each([
    ['surrogate', 'superspike', 'super-spike'],
    ['loss', 'sum-voltage', 'mean-voltage'],
  ])('the old %s name %s is an E_CONFIG error naming %s', (field, old, renamed) => {
    let error: unknown;
    try {
      parseConfig(bpttRule, { [field]: old }, 'test.json');
    } catch (e) {
      error = e;
    }
    expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
    expect((error as Error).message).toContain(`${field}: expected "${renamed}"`);
  });

  test('every recipe is a valid config and valid fit settings', () => {
    for (const dataset of ['yinyang', 'mnist', 'shd']) {
      const recipe = resolveRecipe(bpttRule, dataset);
      const parsed = parseConfig(bpttRule, recipe.config);
      expect(parsed.learningRate).toBe(parseFitSettings(recipe.fit).learningRate);
    }
  });

  test.each<[string, BpttConfigInput, TaskSpec]>([
    ['init', { hidden: [4], init: [{ mean: 0, std: 1 }] }, TWO_FEATURES],
    ['duration', { duration: 20, encoder: { span: 30 } }, TWO_FEATURES],
    [
      'dt',
      { dt: 1.5 },
      { input: { kind: 'spikes', steps: 10, channels: 3, dt: 1 }, outputs: 2, kind: 'classification' },
    ],
    ['task.kind', {}, { input: { kind: 'dense', shape: [2] }, outputs: 2, kind: 'regression' }],
  ])('a config that does not fit the task is an E_CONFIG error on %s', (field, raw, task) => {
    expect(() => bpttRule.create(config(raw), task, 0)).toThrow(
      expect.objectContaining({ code: 'E_CONFIG', details: expect.objectContaining({ field }) }),
    );
  });
});

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test('learns which of two latency-coded inputs spikes first', async () => {
    const train = orderData(256, 1);
    const held = orderData(128, 2);
    const learner = bpttRule.create(
      config({
        hidden: [16],
        encoder: { span: 20 },
        duration: 30,
        learningRate: 0.05,
        init: [
          { mean: 10, std: 10 },
          { mean: 0, std: 1 },
        ],
      }),
      TWO_FEATURES,
      0,
    );
    const split = memorySplit(train.x, train.y, [2]);
    let metrics = { loss: 0 } as Record<string, number>;
    for (let epoch = 0; epoch < 6; epoch++) {
      for await (const batch of split.batches({ batchSize: 32, seed: 0, epoch }))
        metrics = await learner.trainStep(batch);
    }
    expect(metrics.hiddenRate).toBeGreaterThan(0);
    expect(metrics.silentFraction).toBeLessThan(1);
    const x = tf.tensor2d(held.x, [128, 2]);
    const scores = await learner.predict(x);
    const predicted = tf.tidy(() => tf.argMax(scores, 1));
    scores.dispose();
    const labels = Array.from(await predicted.data());
    const accuracy = labels.reduce((a, l, i) => a + (l === held.y[i] ? 1 : 0), 0) / 128;
    expect(accuracy).toBeGreaterThan(0.9); // chance is 0.5
    tf.dispose([x, predicted]);
    learner.dispose();
  });

  test('the same seed gives the same network; params are named like EventProp’s', async () => {
    const a = bpttRule.create(config({ hidden: [5, 4], recurrent: true }), TWO_FEATURES, 3);
    const b = bpttRule.create(config({ hidden: [5, 4], recurrent: true }), TWO_FEATURES, 3);
    expect(Object.fromEntries(Object.entries(a.params).map(([k, v]) => [k, v.shape]))).toEqual({
      'layers.0.kernel': [2, 5],
      'layers.0.recurrent': [5, 5],
      'layers.1.kernel': [5, 4],
      'layers.1.recurrent': [4, 4],
      'layers.2.kernel': [4, 2],
    });
    for (const name of Object.keys(a.params)) {
      expect(Array.from(await a.params[name].data())).toEqual(Array.from(await b.params[name].data()));
    }
    a.dispose();
    b.dispose();
  });

  test('spike-tensor and event inputs give the same scores for the same spikes', async () => {
    const channels = 3;
    const samples = [
      { times: Float32Array.of(0.5, 2, 2.2, 7.9), units: Int32Array.of(1, 0, 2, 1) },
      { times: Float32Array.of(3, 4), units: Int32Array.of(2, 2) },
    ];
    const cfg = config({
      hidden: [6],
      init: [
        { mean: 4, std: 2 },
        { mean: 0, std: 1 },
      ],
    });
    const eventTask: TaskSpec = {
      input: { kind: 'events', channels, duration: 8 },
      outputs: 2,
      kind: 'classification',
    };
    const spikeTask: TaskSpec = {
      input: { kind: 'spikes', steps: 8, channels, dt: 1 },
      outputs: 2,
      kind: 'classification',
    };
    const fromEvents = bpttRule.create(cfg, eventTask, 1);
    const fromSpikes = bpttRule.create(cfg, spikeTask, 1);
    const grid = new Float32Array(8 * 2 * channels);
    samples.forEach((s, b) =>
      s.units.forEach((u, k) => (grid[(Math.floor(s.times[k]) * 2 + b) * channels + u] = 1)),
    );
    const dense = tf.tensor3d(grid, [8, 2, channels]);
    const a = await fromEvents.predict(packEventBatch(samples, channels, 8));
    const b = await fromSpikes.predict(dense);
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    // A tensor for an event task, an event batch for a tensor task: E_SHAPE.
    await expect(fromEvents.predict(dense)).rejects.toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    await expect(fromSpikes.predict(packEventBatch(samples, channels, 8))).rejects.toThrow(
      expect.objectContaining({ code: 'E_SHAPE' }),
    );
    tf.dispose([dense, a, b]);
    fromEvents.dispose();
    fromSpikes.dispose();
  });

  test('hiddenRate is in Hz, as EventProp reports it: hidden spikes per neuron per second', async () => {
    const learner = bpttRule.create(
      config({
        hidden: [16],
        encoder: { span: 20 },
        duration: 30,
        init: [
          { mean: 10, std: 10 },
          { mean: 0, std: 1 },
        ],
      }),
      TWO_FEATURES,
      0,
    );
    const { x, y } = orderData(8, 3);
    const batch = { x: tf.tensor2d(x, [8, 2]), y: tf.tensor1d(y, 'int32'), size: 8 };
    // The same weights' spikes, counted from the rasters before the step changes them.
    const seen = await learner.inspect!(batch.x, { samples: 8 });
    const spikes = seen.layers[1].samples.reduce((sum, s) => sum + s.times.length, 0);
    expect(spikes).toBeGreaterThan(0);
    const metrics = await learner.trainStep(batch);
    expect(metrics.hiddenRate).toBeCloseTo(spikes / (16 * 8 * (seen.duration / 1000)), 3);
    expect(bpttRule.metrics?.hiddenRate).toBe(HIDDEN_ACTIVITY_METRICS.hiddenRate);
    tf.dispose([batch.x, batch.y]);
    learner.dispose();
  });

  test('inspect returns rasters (input first) and readout traces on the grid', async () => {
    const learner = bpttRule.create(
      config({
        hidden: [8],
        encoder: { span: 10, bias: { time: 5 } },
        init: [
          { mean: 6, std: 1 },
          { mean: 0, std: 1 },
        ],
      }),
      TWO_FEATURES,
      0,
    );
    const x = tf.tensor2d([0, 1, 0.5, 0.25, 1, 1], [3, 2]);
    const shown = await learner.inspect!(x, { samples: 2, traceDt: 2 });
    expect(shown.duration).toBe(30); // 10 ms span + τm 20 ms
    expect(shown.layers.map((l) => [l.name, l.size, l.samples.length])).toEqual([
      ['input', 3, 2],
      ['hidden 1', 8, 2],
    ]);
    // Sample 1: features 0.5 → 5 ms, 0.25 → 2.5 ms (bin 2), bias at 5 ms; sorted by time, then unit.
    expect(Array.from(shown.layers[0].samples[1].times)).toEqual([2, 5, 5]);
    expect(Array.from(shown.layers[0].samples[1].units)).toEqual([1, 0, 2]);
    expect(shown.layers[1].samples[0].times.length).toBeGreaterThan(0);
    const traces = shown.traces!;
    expect([traces.dt, traces.steps, traces.units, traces.samples.length]).toEqual([2, 15, 2, 2]);
    // The traces are the readout voltages whose max is predict's score.
    const scores = (await (await learner.predict(x)).array()) as number[][];
    for (let b = 0; b < 2; b++) {
      for (let j = 0; j < 2; j++) {
        const trace = Array.from({ length: 15 }, (_, s) => traces.samples[b][s * 2 + j]);
        expect(Math.max(...trace)).toBeLessThanOrEqual(scores[b][j] + 1e-6);
      }
    }
    x.dispose();
    learner.dispose();
  });

  test.each([
    ['dense', TWO_FEATURES],
    ['events', { input: { kind: 'events', channels: 2, duration: 10 }, outputs: 2, kind: 'classification' }],
  ] as [string, TaskSpec][])(
    '%s input: trainStep, predict, inspect and dispose leak no tensors',
    async (kind, task) => {
      const start = tf.memory().numTensors;
      const learner = bpttRule.create(config({ hidden: [6, 5], recurrent: true }), task, 0);
      const x =
        kind === 'dense'
          ? tf.tensor2d([0.1, 0.9, 0.7, 0.3], [2, 2])
          : packEventBatch(
              [
                { times: Float32Array.of(1, 3), units: Int32Array.of(0, 1) },
                { times: Float32Array.of(2), units: Int32Array.of(1) },
              ],
              2,
              10,
            );
      const batch = { x, y: tf.tensor1d([1, 0], 'int32'), size: 2 };
      await expectNoLeaks(() => learner.trainStep(batch), { warmup: 1, repeats: 10 });
      await expectNoLeaks(async () => (await learner.predict(x)).dispose(), { repeats: 3 });
      await expectNoLeaks(() => learner.inspect!(x), { repeats: 2 });
      tf.dispose([batch.y, ...(x instanceof tf.Tensor ? [x] : [])]);
      learner.dispose();
      expect(tf.memory().numTensors).toBe(start);
    },
  );

  test('saveState/loadState resumes training identically', async () => {
    const data = orderData(64, 9);
    const split = memorySplit(data.x, data.y, [2]);
    const cfg = config({ hidden: [8], encoder: { span: 10 } });
    const a = bpttRule.create(cfg, TWO_FEATURES, 3);
    const batches = [];
    for await (const batch of split.batches({ batchSize: 16, shuffle: false })) {
      batches.push({ x: (batch.x as tf.Tensor).clone(), y: batch.y.clone(), size: batch.size });
    }
    for (const batch of batches.slice(0, 2)) await a.trainStep(batch);
    const state = await a.saveState!();
    const b = bpttRule.create(cfg, TWO_FEATURES, 3);
    for (const [name, v] of Object.entries(b.params)) v.assign(a.params[name]);
    await b.loadState!(state);
    tf.dispose(Object.values(state));
    for (const batch of batches.slice(2)) {
      expect((await b.trainStep(batch)).loss).toBe((await a.trainStep(batch)).loss);
    }
    tf.dispose(batches.flatMap((bt) => [bt.x, bt.y]));
    a.dispose();
    b.dispose();
  });
});
