import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import {
  fit,
  getRule,
  isPlasticityError,
  packEventBatch,
  parseConfig,
  parseFitSettings,
  resolveRecipe,
  paramName,
} from '@plasticity/core-tensors';
import type { TaskSpec, TensorBatch } from '@plasticity/core-tensors';
import {
  expectNoLeaks,
  memorySplit,
  noisyXor,
  testBackends,
  useBackend,
} from '@plasticity/core-tensors/testing';
import { backpropRule } from './index.js';
import type { BackpropConfig } from './config.js';
import {} from './mlp.js';

const backends = await testBackends();
const XOR_TASK: TaskSpec = { input: { kind: 'dense', shape: [2] }, outputs: 2, kind: 'classification' };

function config(raw: Partial<BackpropConfig> = {}): BackpropConfig {
  return parseConfig(backpropRule, raw);
}

async function values(params: Record<string, tf.Tensor>): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(params)) out[k] = Array.from(await v.data());
  return out;
}

test('importing the package registers the rule', () => {
  expect(getRule('backprop')).toBe(backpropRule);
});

describe('config', () => {
  test('{} is valid and gets the documented defaults', () => {
    expect(config()).toEqual({
      hidden: [128],
      activation: 'relu',
      init: 'auto',
      dropout: 0,
      optimizer: 'adam',
      learningRate: 1e-3,
      momentum: 0.9,
      nesterov: false,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
      weightDecay: 0,
    });
  });

  test.each([
    ['activation', { activation: 'swish' }],
    ['hidden[1]', { hidden: [16, -4] }],
    ['hidden[0]', { hidden: [2.5] }],
    ['learningRate', { learningRate: Number.NaN }],
    ['learningRate', { learningRate: 0 }],
    ['optimizer', { optimizer: 'rmsprop' }],
    ['dropout', { dropout: 1 }],
    ['hiden', { hiden: [10] }],
  ])('bad %s is an E_CONFIG error naming the field', (path, raw) => {
    let error: unknown;
    try {
      parseConfig(backpropRule, raw, 'test.json');
    } catch (e) {
      error = e;
    }
    expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
    const issues = (error as { details: { issues: { path: string }[] } }).details.issues;
    expect(issues.map((i) => i.path)).toEqual([path]);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain('test.json');
  });

  test('every recipe is a valid config and valid fit settings', () => {
    for (const dataset of ['yinyang', 'mnist']) {
      const recipe = resolveRecipe(backpropRule, dataset);
      expect(recipe.key).toBe(dataset);
      const parsed = parseConfig(backpropRule, recipe.config);
      const settings = parseFitSettings(recipe.fit);
      expect(parsed.learningRate).toBe(settings.learningRate);
    }
  });

  test('a task without dense input is an E_CONFIG error', () => {
    const spikes: TaskSpec = {
      input: { kind: 'spikes', steps: 10, channels: 5, dt: 1 },
      outputs: 2,
      kind: 'classification',
    };
    expect(() => backpropRule.create(config(), spikes, 0)).toThrow(
      expect.objectContaining({
        code: 'E_CONFIG',
        details: expect.objectContaining({ field: 'task.input.kind' }),
      }),
    );
  });
});

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test('learns noisy XOR well above chance in a few dozen steps', async () => {
    const train = noisyXor(256, 1);
    const test = noisyXor(200, 2);
    const learner = backpropRule.create(
      config({ hidden: [16], activation: 'tanh', learningRate: 0.03 }),
      XOR_TASK,
      0,
    );
    const split = memorySplit(train.x, train.y, [2]);
    for (let epoch = 0; epoch < 12; epoch++) {
      for await (const batch of split.batches({ batchSize: 32, seed: 0, epoch }))
        await learner.trainStep(batch);
    }
    const x = tf.tensor2d(test.x, [200, 2]);
    const scores = await learner.predict(x);
    const predicted = tf.tidy(() => tf.argMax(scores, 1));
    scores.dispose();
    const labels = Array.from(await predicted.data());
    const accuracy = labels.reduce((a, l, i) => a + (l === test.y[i] ? 1 : 0), 0) / 200;
    expect(accuracy).toBeGreaterThan(0.95); // chance is 0.5; a linear model gets ~0.5 too
    tf.dispose([x, predicted]);
    learner.dispose();
  });

  test('trains through fit() with a recipe-style schedule and reports accuracy', async () => {
    const data = noisyXor(256, 3);
    const held = noisyXor(128, 4);
    const learner = backpropRule.create(
      config({ hidden: [16], activation: 'gelu', learningRate: 0.03 }),
      XOR_TASK,
      1,
    );
    const result = await fit(
      learner,
      { train: memorySplit(data.x, data.y, [2]), test: memorySplit(held.x, held.y, [2]) },
      { epochs: 8, batchSize: 32, learningRate: 0.03, schedule: { kind: 'cosine', minFactor: 0.1 }, seed: 0 },
    );
    expect(result.history).toHaveLength(8);
    expect(result.history[0].train.accuracy).toBeGreaterThan(0);
    expect(result.history[7].learningRate).toBeLessThan(0.03);
    expect(result.test!.accuracy).toBeGreaterThan(0.95);
    learner.dispose();
  });

  test('the same seed gives the same network; another seed another', async () => {
    const a = backpropRule.create(config({ hidden: [8] }), XOR_TASK, 5);
    const b = backpropRule.create(config({ hidden: [8] }), XOR_TASK, 5);
    const c = backpropRule.create(config({ hidden: [8] }), XOR_TASK, 6);
    expect(Object.keys(a.params)).toEqual([
      paramName(0, 'kernel'),
      paramName(0, 'bias'),
      paramName(1, 'kernel'),
      paramName(1, 'bias'),
    ]);
    expect(a.params[paramName(0, 'kernel')].shape).toEqual([2, 8]);
    expect(await values(a.params)).toEqual(await values(b.params));
    expect((await values(c.params))[paramName(0, 'kernel')]).not.toEqual(
      (await values(a.params))[paramName(0, 'kernel')],
    );
    [a, b, c].forEach((l) => l.dispose());
  });

  test('inputs with the wrong feature count are an E_SHAPE error', async () => {
    const learner = backpropRule.create(config({ hidden: [4] }), XOR_TASK, 0);
    const batch = { x: tf.zeros([3, 5]), y: tf.zeros([3], 'int32'), size: 3 };
    await expect(learner.trainStep(batch)).rejects.toMatchObject({ code: 'E_SHAPE' });
    tf.dispose([batch.x, batch.y]);
    learner.dispose();
  });

  test('an event-list batch is an E_SHAPE error naming the input form', async () => {
    const learner = backpropRule.create(config({ hidden: [4] }), XOR_TASK, 0);
    const events = packEventBatch([{ times: Float32Array.of(1), units: Int32Array.of(0) }], 2, 10);
    expect(() => learner.predict(events)).toThrow(
      expect.objectContaining({ code: 'E_SHAPE', message: expect.stringContaining('event batch') }),
    );
    const y = tf.zeros([1], 'int32');
    await expect(learner.trainStep({ x: events, y, size: 1 })).rejects.toMatchObject({ code: 'E_SHAPE' });
    y.dispose();
    learner.dispose();
  });

  test('weight decay shrinks kernels, not biases', async () => {
    // With a zero-gradient batch (lr·decay only), SGD moves kernels by exactly −lr·rate·W.
    const learner = backpropRule.create(
      config({ hidden: [4], optimizer: 'sgd', learningRate: 0.1, weightDecay: 0.5 }),
      { input: { kind: 'dense', shape: [2] }, outputs: 2, kind: 'regression' },
      0,
    );
    const before = await values(learner.params);
    // Regression target = current output gives zero loss gradient.
    const x = tf.tensor2d([0.3, -0.2], [1, 2]);
    const y = await learner.predict(x);
    await learner.trainStep({ x, y, size: 1 });
    const after = await values(learner.params);
    after[paramName(0, 'kernel')].forEach((v, i) =>
      expect(v).toBeCloseTo(before[paramName(0, 'kernel')][i] * 0.95, 6),
    );
    expect(after[paramName(0, 'bias')]).toEqual(before[paramName(0, 'bias')]);
    tf.dispose([x, y]);
    learner.dispose();
  });

  test('dropout is seeded by step: saveState/loadState resumes identically', async () => {
    const data = noisyXor(64, 9);
    const split = memorySplit(data.x, data.y, [2]);
    const cfg = config({ hidden: [16], dropout: 0.3, learningRate: 0.01 });
    const a = backpropRule.create(cfg, XOR_TASK, 3);
    const batches: TensorBatch[] = [];
    for await (const batch of split.batches({ batchSize: 16, shuffle: false })) {
      batches.push({ x: batch.x.clone(), y: batch.y.clone(), size: batch.size });
    }
    for (const batch of batches.slice(0, 2)) await a.trainStep(batch);
    const state = await a.saveState!();
    const b = backpropRule.create(cfg, XOR_TASK, 3);
    for (const [name, v] of Object.entries(b.params)) v.assign(a.params[name]);
    await b.loadState!(state);
    tf.dispose(Object.values(state));
    for (const batch of batches.slice(2)) {
      const ma = await a.trainStep(batch);
      const mb = await b.trainStep(batch);
      expect(mb.loss).toBe(ma.loss);
    }
    expect(await values(b.params)).toEqual(await values(a.params));
    // Dropout is active in training (the first loss differs from a dropout-free twin's) but not
    // in predict (two calls agree).
    const plain = backpropRule.create({ ...cfg, dropout: 0 }, XOR_TASK, 3);
    const noisy = backpropRule.create(cfg, XOR_TASK, 3);
    expect((await noisy.trainStep(batches[0])).loss).not.toBe((await plain.trainStep(batches[0])).loss);
    plain.dispose();
    noisy.dispose();
    const p1 = await a.predict(batches[0].x);
    const p2 = await a.predict(batches[0].x);
    expect(Array.from(await p1.data())).toEqual(Array.from(await p2.data()));
    tf.dispose([p1, p2, ...batches.flatMap((bt) => [bt.x, bt.y])]);
    a.dispose();
    b.dispose();
  });

  test('trainStep, predict and dispose leak no tensors', async () => {
    const start = tf.memory().numTensors;
    const learner = backpropRule.create(
      config({ hidden: [8, 8], dropout: 0.2, weightDecay: 1e-4 }),
      XOR_TASK,
      0,
    );
    const data = noisyXor(32, 5);
    const batch = { x: tf.tensor2d(data.x, [32, 2]), y: tf.tensor1d(data.y, 'int32'), size: 32 };
    await expectNoLeaks(() => learner.trainStep(batch), { warmup: 1, repeats: 10 });
    await expectNoLeaks(async () => (await learner.predict(batch.x)).dispose(), { repeats: 3 });
    tf.dispose([batch.x, batch.y]);
    learner.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
