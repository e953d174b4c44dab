import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import {
  createRng,
  getRule,
  isPlasticityError,
  packEventBatch,
  paramName,
  parseConfig,
} from '@plasticity/core-tensors';
import type { Batch, EventBatch, SpikeEvents, TaskSpec } from '@plasticity/core-tensors';
import { useBackend } from '@plasticity/core-tensors/testing';
import type { SpikeEventConfigInput } from './config.js';
import { HIDDEN_INTENSITY, createNetworkParams, forwardPass, networkGradients } from './network.js';
import { expectedCounts, poissonLogLikelihood } from './point-process.js';
import { createSpikeEventLearner, spikeEventRule } from './index.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const CHANNELS = 8;
const DURATION = 100;
const TASK: TaskSpec = {
  input: { kind: 'events', channels: CHANNELS, duration: DURATION },
  outputs: 2,
  kind: 'classification',
};

/**
 * An edge sweeping across 8 channels: left to right (class 0) or right to left (class 1), channel
 * k's burst about 10 ms after channel k − 1's, plus background spikes. Its next events are
 * predictable from the last ones, and its class from which channels lead.
 */
function sweep(label: number, rng: ReturnType<typeof createRng>): SpikeEvents {
  const pairs: [number, number][] = [];
  for (let k = 0; k < CHANNELS; k++) {
    const channel = label === 0 ? k : CHANNELS - 1 - k;
    for (let s = 0; s < 3; s++) pairs.push([Math.min(DURATION - 1, 8 + 11 * k + 3 * rng.uniform()), channel]);
  }
  for (let n = 0; n < 4; n++) pairs.push([rng.uniform() * DURATION, rng.int(CHANNELS)]);
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { times: Float32Array.from(pairs, (p) => p[0]), units: Int32Array.from(pairs, (p) => p[1]) };
}

function batchOf(size: number, seed: number): { x: EventBatch; labels: Int32Array } {
  const rng = createRng(seed);
  const labels = Int32Array.from({ length: size }, (_, i) => i % 2);
  return {
    x: packEventBatch(
      Array.from(labels, (l) => sweep(l, rng)),
      CHANNELS,
      DURATION,
    ),
    labels,
  };
}

function config(raw: SpikeEventConfigInput = {}) {
  return parseConfig(spikeEventRule, { hidden: [6], learningRate: 0.03, ...raw });
}

async function train(learner: ReturnType<typeof createSpikeEventLearner>, steps: number) {
  const history = [];
  for (let s = 0; s < steps; s++) {
    const { x, labels } = batchOf(16, s);
    const y = tf.tensor1d(labels, 'int32');
    history.push(await learner.trainStep({ x, y, size: 16 } satisfies Batch));
    y.dispose();
  }
  return history;
}

test('importing the package registers the rule; configs are checked', () => {
  expect(getRule('spike-event')).toBe(spikeEventRule);
  expect(config().intensity).toBe('exp');
  expect(() => parseConfig(spikeEventRule, { hiden: [3] })).toThrow(/hiden/);
  expect(() => parseConfig(spikeEventRule, { dt: 0 })).toThrow(/dt/);
  const dense: TaskSpec = { input: { kind: 'dense', shape: [4] }, outputs: 2, kind: 'classification' };
  try {
    createSpikeEventLearner(config(), dense, 0);
    throw new Error('expected an error');
  } catch (error) {
    expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
    expect((error as Error).message).toMatch(/event lists .* got 'dense'/);
  }
});

test('the hidden layers’ expected update is the gradient of the prediction log-likelihood (autodiff)', async () => {
  const params = createNetworkParams(
    [CHANNELS, 5, 4, CHANNELS],
    { intensity: 'softplus', initScale: 1, baseRate: 30 },
    createRng(2),
  );
  const { x } = batchOf(3, 9);
  const { binnedInputs } = await import('./traces.js');
  const { counts, traces } = binnedInputs(x, 10, 20);
  const rows = (t: tf.Tensor) => tf.reshape(t, [-1, CHANNELS]) as tf.Tensor2D;
  const [data, inputs] = [rows(counts), rows(traces)];
  for (const f of ['exp', 'softplus'] as const) {
    const logLik = (p: Record<string, tf.Variable>) => {
      const pass = forwardPass(p, inputs, 3);
      return poissonLogLikelihood(expectedCounts(f, pass.drives[2], 10), data);
    };
    const { grads } = tf.variableGrads(() => tf.neg(logLik(params)) as tf.Scalar, Object.values(params));
    const pass = forwardPass(params, inputs, 3);
    const mean = expectedCounts(f, pass.drives[2], 10);
    // The expected update: the model's spikes replaced by their mean.
    const ours = networkGradients(params, f, pass, data, mean, 1);
    for (const [name, variable] of Object.entries(params)) {
      const expected = await grads[variable.name].data();
      const got = await ours[name].data();
      const scale = Math.max(...Array.from(expected, Math.abs));
      expect(scale).toBeGreaterThan(0);
      got.forEach((g, i) => expect(Math.abs(g - expected[i])).toBeLessThan(1e-4 * scale + 1e-6));
    }
    tf.dispose([
      ...Object.values(grads),
      ...pass.inputs.slice(1),
      ...pass.drives,
      mean,
      ...Object.values(ours),
    ]);
  }
  expect(HIDDEN_INTENSITY).toBe('softplus');
  tf.dispose([counts, traces, data, inputs, ...Object.values(params)]);
});

describe('learning to predict sweeps, and classifying them', () => {
  test('prediction beats the constant-rate model, the readout learns the class, nothing leaks', async () => {
    const learner = createSpikeEventLearner(config(), TASK, 0);
    await train(learner, 1); // the optimiser's slots appear on the first step
    const before = tf.memory().numTensors;
    const history = await train(learner, 60);
    expect(tf.memory().numTensors).toBe(before);
    const last = history.slice(-10);
    const mean = (key: string) => last.reduce((s, m) => s + m[key], 0) / last.length;
    expect(mean('predictionLogLik')).toBeGreaterThan(mean('constantRateLogLik') + 0.1);
    expect(history[0].predictionLogLik).toBeLessThan(mean('predictionLogLik') - 0.3);
    expect(mean('sampledRatio')).toBeGreaterThan(0.8);
    expect(mean('sampledRatio')).toBeLessThan(1.25);
    const { x, labels } = batchOf(20, 1000);
    const scores = await learner.predict(x);
    expect(scores.shape).toEqual([20, 2]);
    const best = tf.argMax(scores, 1);
    const predicted = await best.data();
    const hits = labels.filter((l, i) => predicted[i] === l).length;
    expect(hits / 20).toBeGreaterThan(0.9);
    tf.dispose([scores, best]);
    expect(tf.memory().numTensors).toBe(before);
    learner.dispose();
  });

  test('the same seed repeats a run; another seed does not', async () => {
    const run = async (seed: number) => {
      const learner = createSpikeEventLearner(config(), TASK, seed);
      await train(learner, 3);
      const values = Array.from(await learner.params[paramName(0, 'kernel')].data());
      learner.dispose();
      return values;
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect(await run(2)).not.toEqual(a);
  });

  test('saved params and optimiser state resume a run exactly', async () => {
    const first = createSpikeEventLearner(config(), TASK, 4);
    await train(first, 2);
    const params = Object.fromEntries(Object.entries(first.params).map(([k, v]) => [k, tf.clone(v)]));
    const state = await first.saveState!();
    await train(first, 2);
    const resumed = createSpikeEventLearner(config(), TASK, 4);
    for (const [name, value] of Object.entries(params)) resumed.params[name].assign(value);
    await resumed.loadState!(state);
    // The same two batches again (train() draws batch s from seed s): the model's spikes are per (seed, step).
    await train(resumed, 2);
    for (const name of Object.keys(params)) {
      expect(Array.from(await resumed.params[name].data())).toEqual(
        Array.from(await first.params[name].data()),
      );
    }
    tf.dispose([...Object.values(params), ...Object.values(state)]);
    first.dispose();
    resumed.dispose();
  });

  test('the raw-event readout, and rasters of the input, hidden and predicted spikes', async () => {
    const learner = createSpikeEventLearner(config({ readout: 'events', hidden: [5, 3] }), TASK, 0);
    expect(learner.params['readout.kernel'].shape).toEqual([CHANNELS, 2]);
    await train(learner, 2);
    const { x } = batchOf(6, 50);
    const before = tf.memory().numTensors;
    const inspection = await learner.inspect!(x, { samples: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(inspection.duration).toBe(DURATION);
    expect(inspection.layers.map((l) => [l.name, l.size, l.samples.length])).toEqual([
      ['input events', CHANNELS, 2],
      ['hidden 1', 5, 2],
      ['hidden 2', 3, 2],
      ['predicted events (model spikes)', CHANNELS, 2],
    ]);
    expect(Array.from(inspection.layers[0].samples[1].units)).toEqual(
      Array.from(x.units.subarray(x.offsets[1], x.offsets[2])),
    );
    const predicted = inspection.layers[3].samples.reduce((n, s) => n + s.times.length, 0);
    expect(predicted).toBeGreaterThan(0);
    learner.dispose();
  });
});
