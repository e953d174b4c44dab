import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, getRule, parseConfig } from '@plasticity/core-tensors';
import type { TaskSpec, TensorBatch } from '@plasticity/core-tensors';
import { expectNoLeaks, useBackend } from '@plasticity/core-tensors/testing';
import { btspRule, createBtspLearner, excitatoryName } from '../index.js';
import type { BtspConfigInput, BtspLearner } from './index.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const FEATURES = 12;
const CLASSES = 3;
const TASK: TaskSpec = {
  input: { kind: 'dense', shape: [FEATURES] },
  outputs: CLASSES,
  kind: 'classification',
};

/** Class c lights features 4c … 4c + 3 (rates in [0, 1], noisy); chance is 1/3. */
function blocks(n: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(n * FEATURES);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = rng.int(CLASSES);
    y[i] = c;
    for (let f = 0; f < FEATURES; f++) {
      const on = Math.floor(f / 4) === c;
      x[i * FEATURES + f] = Math.min(1, Math.max(0, (on ? 0.8 : 0.1) + 0.15 * rng.normal()));
    }
  }
  return { x, y };
}

function learner(config: BtspConfigInput = {}, seed = 1): BtspLearner {
  return createBtspLearner(parseConfig(btspRule, { hidden: [24], ...config }), TASK, seed);
}

function batchOf(data: { x: Float32Array; y: Int32Array }, start: number, size: number): TensorBatch {
  return {
    x: tf.tensor2d(data.x.subarray(start * FEATURES, (start + size) * FEATURES), [size, FEATURES]),
    y: tf.tensor1d(data.y.subarray(start, start + size), 'int32'),
    size,
  };
}

async function train(
  net: BtspLearner,
  data: { x: Float32Array; y: Int32Array },
  batchSize: number,
): Promise<void> {
  for (let start = 0; start + batchSize <= data.y.length; start += batchSize) {
    const batch = batchOf(data, start, batchSize);
    await net.trainStep(batch);
    tf.dispose([batch.x, batch.y]);
  }
}

async function accuracy(net: BtspLearner, data: { x: Float32Array; y: Int32Array }): Promise<number> {
  const x = tf.tensor2d(data.x, [data.y.length, FEATURES]);
  const scores = (await net.predict(x)) as tf.Tensor2D;
  const predicted = (await tf.argMax(scores, 1).data()) as Int32Array;
  tf.dispose([x, scores]);
  return predicted.filter((p, i) => p === data.y[i]).length / data.y.length;
}

test('importing the package registers the rule', () => {
  expect(getRule('btsp')).toBe(btspRule);
});

describe('config', () => {
  test('{} is valid and gets the documented defaults', () => {
    expect(parseConfig(btspRule, {})).toMatchObject({
      hidden: [500],
      activeFraction: 0.1,
      outputInhibition: 0.5,
      learning: 'btsp',
      weightMax: 10,
      plateauFraction: 0.05,
      synapticScaling: true,
      stochastic: false,
      temporalDiscount: 0.016,
    });
  });

  test.each([
    [{ plateauFraction: 0 }, 'plateauFraction'],
    [{ plateauFraction: 1.5 }, 'plateauFraction'],
    [{ activeFraction: 0 }, 'activeFraction'],
    [{ outputInhibition: -1 }, 'outputInhibition'],
    [{ hidden: [] }, 'hidden'],
    [{ learning: 'oja' }, 'learning'],
    [{ temporalDiscount: -0.1 }, 'temporalDiscount'],
    [{ weightMax: 0 }, 'weightMax'],
    [{ learningrate: 0.1 }, ''],
  ])('%j is rejected naming %s', (raw, path) => {
    let message = '';
    try {
      parseConfig(btspRule, raw, 'test.json');
    } catch (error) {
      message = (error as Error).message;
      expect((error as { code?: string }).code).toBe('E_CONFIG');
    }
    expect(message).not.toBe('');
    expect(message).toContain(path === '' ? 'learningrate' : path);
  });

  test('feedbackScale needs one entry per hidden layer', () => {
    expect(() => learner({ hidden: [8, 8], feedbackScale: [1] })).toThrow(/feedbackScale has 1 entries/);
  });

  test('regression tasks are refused', () => {
    const config = parseConfig(btspRule, {});
    expect(() => btspRule.create(config, { ...TASK, kind: 'regression' }, 0)).toThrow(/classification/);
  });
});

describe('learning', () => {
  const train_ = blocks(600, 11);
  const test_ = blocks(300, 12);

  test('BTSP learns a small separable problem well above chance', async () => {
    const net = learner();
    const before = await accuracy(net, test_);
    await train(net, train_, 4);
    await train(net, train_, 4);
    const after = await accuracy(net, test_);
    net.dispose();
    expect(after).toBeGreaterThan(0.9);
    expect(after).toBeGreaterThan(before);
  });

  test('the hidden weights change only onto units that plateau', async () => {
    const net = learner({ plateauFraction: 0.1, temporalDiscount: 0 });
    const before = net.params[excitatoryName(0)].arraySync() as number[][];
    const batch = batchOf(train_, 0, 1);
    await net.trainStep(batch);
    tf.dispose([batch.x, batch.y]);
    const after = net.params[excitatoryName(0)].arraySync() as number[][];
    const changed = after.map((row, j) => row.some((w, i) => w !== before[j][i]));
    // 24 units × 0.1 → at most 3 positive and 3 negative plateaus; the rest keep their weights.
    expect(changed.filter(Boolean).length).toBeGreaterThan(0);
    expect(changed.filter(Boolean).length).toBeLessThanOrEqual(6);
    net.dispose();
  });

  test('weights edited between steps (a checkpoint, an averaging optimiser) are what the next step uses', async () => {
    // γ = 0: otherwise the first step's plateaus would still move the silenced weights.
    const net = learner({ temporalDiscount: 0 });
    const batch = batchOf(train_, 0, 4);
    expect((await net.trainStep(batch)).activeFraction).toBeGreaterThan(0);
    // Silence the hidden layer from outside: no drive, so k-WTA has no winner.
    net.params[excitatoryName(0)].assign(tf.zerosLike(net.params[excitatoryName(0)]));
    expect((await net.trainStep(batch)).activeFraction).toBe(0);
    expect(Math.max(...net.layers[0].weights)).toBe(0);
    tf.dispose([batch.x, batch.y]);
    net.dispose();
  });

  test('the Hebbian baseline trains too (hidden Hebb, output BTSP)', async () => {
    const net = learner({ learning: 'hebbian' });
    await train(net, train_, 4);
    const after = await accuracy(net, test_);
    net.dispose();
    expect(after).toBeGreaterThan(0.5);
  });

  test('no tensors leak over many steps, with every option on', async () => {
    const net = learner({ hidden: [8, 8], stochastic: true, plateauFraction: 0.5 });
    const batch = batchOf(train_, 0, 5);
    await expectNoLeaks(() => net.trainStep(batch), { repeats: 20 });
    await expectNoLeaks(async () => tf.dispose(await net.predict(batch.x)), { repeats: 5 });
    tf.dispose([batch.x, batch.y]);
    const before = tf.memory().numTensors;
    net.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
  });
});

describe('checkpoints', () => {
  test('saveState/loadState restores the traces, so the next step matches exactly', async () => {
    const data = blocks(40, 5);
    const a = learner({ stochastic: true }, 3);
    const b = learner({ stochastic: true }, 3);
    await train(a, data, 4);
    // b takes a's weights and state, then both take the same step.
    for (const [name, v] of Object.entries(a.params)) b.params[name].assign(v);
    const state = await a.saveState!();
    await b.loadState!(state);
    tf.dispose(Object.values(state));
    expect(b.iterations).toBe(a.iterations);
    const batch = batchOf(data, 0, 4);
    await a.trainStep(batch);
    await b.trainStep(batch);
    tf.dispose([batch.x, batch.y]);
    for (const name of Object.keys(a.params)) {
      expect(b.params[name].arraySync()).toEqual(a.params[name].arraySync());
    }
    a.dispose();
    b.dispose();
  });

  test('a state with a missing or unknown entry is refused', async () => {
    const net = learner();
    const state = await net.saveState!();
    const missing = { ...state };
    delete missing['previous.0.plateau'];
    await expect(net.loadState!(missing)).rejects.toThrow(/lacks "previous.0.plateau"/);
    await expect(net.loadState!({ ...state, extra: tf.scalar(1) })).rejects.toThrow(
      /unexpected entries: extra/,
    );
    tf.dispose(Object.values(state));
    net.dispose();
  });
});
