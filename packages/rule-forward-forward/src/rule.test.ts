import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import {
  createRng,
  fit,
  getRule,
  isPlasticityError,
  packEventBatch,
  parseConfig,
  parseFitSettings,
  resolveRecipe,
  paramName,
} from '@plasticity/core-tensors';
import type { TaskSpec } from '@plasticity/core-tensors';
import {
  assertClose,
  expectNoLeaks,
  memorySplit,
  testBackends,
  tolerance,
  useBackend,
} from '@plasticity/core-tensors/testing';
import { forwardForwardRule, READOUT_BIAS, READOUT_KERNEL } from './index.js';
import type { ForwardForwardConfigInput, ForwardForwardLearner } from './index.js';
import {
  activities,
  finiteDifferences,
  goodnessOf,
  layerLoss,
  normalize,
  oneHot,
  withLabel,
} from './__fixtures__/reference.js';
import type { ReferenceNet, ReferenceOptions } from './__fixtures__/reference.js';

const backends = await testBackends();

const create = (raw: ForwardForwardConfigInput, task: TaskSpec, seed = 0) =>
  forwardForwardRule.create(parseConfig(forwardForwardRule, raw), task, seed) as ForwardForwardLearner;

const denseTask = (features: number, classes: number): TaskSpec => ({
  input: { kind: 'dense', shape: [features] },
  outputs: classes,
  kind: 'classification',
});

/**
 * Class prototypes in `features` dims (the first `classes` features blank, as MNIST's border
 * pixels are), samples = prototype + noise, all non-negative like pixel intensities.
 */
function prototypes(n: number, features: number, classes: number, seed: number, noise = 0.3) {
  const rng = createRng(seed);
  const protoRng = createRng(1234);
  const protos = Array.from({ length: classes }, () =>
    Array.from({ length: features }, (_, i) => (i < classes ? 0 : protoRng.uniform() < 0.4 ? 1 : 0)),
  );
  const x = new Float32Array(n * features);
  const y = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const label = rng.int(classes);
    y[s] = label;
    for (let i = classes; i < features; i++) {
      x[s * features + i] = Math.max(0, protos[label][i] + rng.normal(0, noise));
    }
  }
  return { x, y };
}

async function accuracyOf(scores: tf.Tensor, y: Int32Array): Promise<number> {
  const argMax = tf.argMax(scores, 1);
  const predicted = Array.from(await argMax.data());
  argMax.dispose();
  return predicted.reduce((a, p, i) => a + (p === y[i] ? 1 : 0), 0) / y.length;
}

async function referenceNet(learner: ForwardForwardLearner, layers: number): Promise<ReferenceNet> {
  const net: ReferenceNet = { kernels: [], biases: [] };
  for (let l = 0; l < layers; l++) {
    net.kernels.push((await learner.params[paramName(l, 'kernel')].array()) as number[][]);
    net.biases.push((await learner.params[paramName(l, 'bias')].array()) as number[]);
  }
  return net;
}

test('importing the package registers the rule', () => {
  expect(getRule('forward-forward')).toBe(forwardForwardRule);
});

describe('config', () => {
  test('{} is valid and gets Hinton-style defaults', () => {
    const config = parseConfig(forwardForwardRule, {});
    expect(config).toMatchObject({
      mode: 'supervised',
      hidden: [1000, 1000, 1000],
      goodness: 'sum',
      normalization: 'rms',
      negatives: 'hard',
      predict: 'softmax',
      peerNormalization: 0.03,
    });
    expect(config.threshold).toBeUndefined();
  });

  test.each([
    ['hidden', { hidden: [] }],
    ['goodness', { goodness: 'max' }],
    ['threshold', { threshold: Number.NaN }],
    ['learningRate', { learningRate: -1 }],
    ['negatives', { negatives: 'adversarial' }],
    ['tresholds', { tresholds: 3 }],
  ])('bad %s is an E_CONFIG error naming the field', (path, raw) => {
    let error: unknown;
    try {
      parseConfig(forwardForwardRule, raw, 'ff.json');
    } catch (e) {
      error = e;
    }
    expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain('ff.json');
  });

  test('the mnist recipe is a valid config and valid fit settings', () => {
    const recipe = resolveRecipe(forwardForwardRule, 'mnist');
    const config = parseConfig(forwardForwardRule, recipe.config);
    expect(config.hidden.length).toBeGreaterThan(0);
    expect(parseFitSettings(recipe.fit).epochs).toBeGreaterThan(0);
  });

  test.each([
    ['readoutFrom', { hidden: [4, 4], readoutFrom: 2 }, denseTask(8, 2)],
    ['layerLearningRates', { hidden: [4, 4], layerLearningRates: [1] }, denseTask(8, 2)],
    ['task.input.shape', { hidden: [4] }, denseTask(3, 3)],
    ['imageShape', { hidden: [4], mode: 'unsupervised' }, denseTask(10, 2)],
    ['imageShape', { hidden: [4], shift: 1 }, denseTask(10, 2)],
    [
      'task.input.kind',
      { hidden: [4] },
      { input: { kind: 'events', channels: 4, duration: 10 }, outputs: 2, kind: 'classification' },
    ],
  ] as [string, ForwardForwardConfigInput, TaskSpec][])(
    'an impossible %s for the task is an E_CONFIG error',
    (field, raw, task) => {
      expect(() => create(raw, task)).toThrow(
        expect.objectContaining({ code: 'E_CONFIG', details: expect.objectContaining({ field }) }),
      );
    },
  );
});

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  // Two classes make the wrong label of every sample the other one, so the reference knows the negatives.
  const FEATURES = 7;
  const TASK2 = denseTask(FEATURES, 2);
  const HIDDEN = [5, 4];

  function tinyBatch(size: number, seed: number) {
    const { x, y } = prototypes(size, FEATURES, 2, seed, 0.5);
    return { x: tf.tensor2d(x, [size, FEATURES]), y: tf.tensor1d(y, 'int32'), size, rows: x, labels: y };
  }

  test.each([
    ['sum', 'rms', 1, 'overwrite'],
    ['mean', 'length', 0.5, 'overwrite'],
    ['sum', 'rms', 2, 'append'],
  ] as const)(
    'each layer’s update is the finite-difference gradient of its own loss only (%s goodness, %s norm, T %d, label %s)',
    async (goodness, normalization, temperature, labelPlacement) => {
      const learner = create(
        {
          hidden: HIDDEN,
          goodness,
          normalization,
          temperature,
          labelPlacement,
          threshold: goodness === 'mean' ? 0.3 : undefined,
          peerNormalization: 0,
          labelStrength: 0.8,
        },
        TASK2,
        3,
      );
      const batch = tinyBatch(6, 4);
      const grads = learner.gradients(batch);
      const net = await referenceNet(learner, HIDDEN.length);
      const o: ReferenceOptions = {
        classes: 2,
        strength: 0.8,
        normalization,
        goodness,
        thresholds: goodness === 'mean' ? [0.3, 0.3] : HIDDEN,
        temperature,
      };
      const rows = Array.from({ length: batch.size }, (_, b) =>
        Array.from(batch.rows.slice(b * FEATURES, (b + 1) * FEATURES)),
      );
      const label = (r: number[], code: number[]) =>
        labelPlacement === 'append' ? [...r, ...code] : withLabel(r, code);
      const positives = rows.map((r, b) => label(r, oneHot(batch.labels[b], 2, 0.8)));
      const negatives = rows.map((r, b) => label(r, oneHot(1 - batch.labels[b], 2, 0.8)));
      // FD tolerances: float32 gradients vs float64 central differences (truncation ~1e-10).
      const tol = backend === 'webgpu' ? { rtol: 2e-3, atol: 2e-4 } : { rtol: 1e-4, atol: 1e-5 };
      for (let l = 0; l < HIDDEN.length; l++) {
        // Only this layer's params, nothing of the layers below or above.
        expect(Object.keys(grads.layers[l]).sort()).toEqual(
          [paramName(l, 'bias'), paramName(l, 'kernel')].sort(),
        );
        const loss = () => layerLoss(net, positives, negatives, l, o);
        assertClose(
          await grads.layers[l][paramName(l, 'kernel')].data(),
          finiteDifferences(net.kernels[l], loss),
          tol,
          `kernel ${l}`,
        );
        assertClose(
          await grads.layers[l][paramName(l, 'bias')].data(),
          finiteDifferences(net.biases[l], loss),
          tol,
          `bias ${l}`,
        );
      }
      tf.dispose([batch.x, batch.y, grads as unknown as tf.TensorContainer]);
      learner.dispose();
    },
  );

  test('a step reports each layer’s goodness of positive and negative data: the batch mean of Σ h² before the update', async () => {
    const learner = create({ hidden: HIDDEN, peerNormalization: 0, labelStrength: 0.8 }, TASK2, 5);
    const batch = tinyBatch(6, 9);
    const net = await referenceNet(learner, HIDDEN.length);
    const rows = Array.from({ length: batch.size }, (_, b) =>
      Array.from(batch.rows.slice(b * FEATURES, (b + 1) * FEATURES)),
    );
    const meanGoodness = (labelOf: (b: number) => number, l: number) =>
      rows.reduce(
        (sum, r, b) =>
          sum + goodnessOf(activities(net, withLabel(r, oneHot(labelOf(b), 2, 0.8)), 'rms')[l], 'sum'),
        0,
      ) / rows.length;
    const metrics = await learner.trainStep(batch);
    expect(Object.keys(metrics).sort()).toEqual([
      'accuracy',
      'goodnessNegative1',
      'goodnessNegative2',
      'goodnessPositive1',
      'goodnessPositive2',
      'loss',
      'readoutLoss',
    ]);
    const close = backend === 'webgpu' ? 2e-3 : 1e-5;
    for (let l = 0; l < HIDDEN.length; l++) {
      const positive = meanGoodness((b) => batch.labels[b], l);
      const negative = meanGoodness((b) => 1 - batch.labels[b], l);
      expect(Math.abs(metrics[`goodnessPositive${l + 1}`] - positive)).toBeLessThan(
        close * Math.max(1, positive),
      );
      expect(Math.abs(metrics[`goodnessNegative${l + 1}`] - negative)).toBeLessThan(
        close * Math.max(1, negative),
      );
    }
    // Not a vacuous comparison: the two passes differ only in the label, yet their goodness does.
    expect(
      Math.abs(meanGoodness((b) => batch.labels[b], 0) - meanGoodness((b) => 1 - batch.labels[b], 0)),
    ).toBeGreaterThan(1e-4);
    tf.dispose([batch.x, batch.y]);
    learner.dispose();
  });

  test('fit’s epoch record carries each layer’s goodness averaged over the epoch’s steps, weighted by batch size', async () => {
    const learner = create({ hidden: HIDDEN, peerNormalization: 0 }, TASK2, 6);
    const { x, y } = prototypes(10, FEATURES, 2, 11, 0.5);
    const steps: Record<string, number>[] = [];
    const epochs: Record<string, number>[] = [];
    await fit(
      learner,
      { train: memorySplit(x, y, [FEATURES]) },
      {
        epochs: 1,
        batchSize: 4,
        learningRate: 1e-3,
        schedule: { kind: 'constant' },
        seed: 0,
        onEvent: (event) => {
          if (event.type === 'step') steps.push({ ...event.metrics });
          if (event.type === 'epoch') epochs.push({ ...event.train });
        },
      },
    );
    const sizes = [4, 4, 2];
    expect(steps).toHaveLength(3);
    for (const name of ['goodnessPositive1', 'goodnessNegative1', 'goodnessPositive2', 'goodnessNegative2']) {
      const mean = steps.reduce((a, m, i) => a + m[name] * sizes[i], 0) / 10;
      expect(epochs[0][name]).toBeCloseTo(mean, 4);
    }
    learner.dispose();
  });

  test('changing a higher layer leaves a lower layer’s update unchanged, changing a lower one does not', async () => {
    const learner = create({ hidden: [5, 4, 3], negatives: 'random', peerNormalization: 0 }, TASK2, 1);
    const batch = tinyBatch(8, 2);
    const before = learner.gradients(batch);
    const top = learner.params[paramName(2, 'kernel')];
    tf.tidy(() => top.assign(tf.mul(top, -2)));
    const afterTop = learner.gradients(batch);
    for (const l of [0, 1]) {
      assertClose(
        await afterTop.layers[l][paramName(l, 'kernel')].data(),
        await before.layers[l][paramName(l, 'kernel')].data(),
        { rtol: 0, atol: 0 },
      );
    }
    const bottom = learner.params[paramName(0, 'kernel')];
    // A uniform scale would not do: the next layer sees normalised rows, so reorder the inputs instead.
    tf.tidy(() => bottom.assign(tf.reverse(bottom, 0)));
    const afterBottom = learner.gradients(batch);
    const moved = tf.tidy(() =>
      tf.max(
        tf.abs(
          tf.sub(afterBottom.layers[1][paramName(1, 'kernel')], before.layers[1][paramName(1, 'kernel')]),
        ),
      ),
    );
    expect((await moved.data())[0]).toBeGreaterThan(1e-6);
    tf.dispose([batch.x, batch.y, moved, before, afterTop, afterBottom] as unknown as tf.TensorContainer);
    learner.dispose();
  });

  test('goodness inference scores every label with the summed goodness of the chosen layers', async () => {
    const learner = create({ hidden: [5, 4, 3], predict: 'goodness', goodnessFrom: 1 }, TASK2, 7);
    const batch = tinyBatch(4, 9);
    const scores = learner.predict(batch.x) as tf.Tensor2D;
    expect(scores.shape).toEqual([4, 2]);
    const net = await referenceNet(learner, 3);
    const expected: number[] = [];
    for (let b = 0; b < 4; b++) {
      const row = Array.from(batch.rows.slice(b * FEATURES, (b + 1) * FEATURES));
      for (let c = 0; c < 2; c++) {
        const acts = activities(net, withLabel(row, oneHot(c, 2, 1)), 'rms');
        expected.push(goodnessOf(acts[1], 'sum') + goodnessOf(acts[2], 'sum'));
      }
    }
    assertClose(await scores.data(), expected, tolerance(backend), 'goodness scores');
    tf.dispose([batch.x, batch.y, scores]);
    learner.dispose();
  });

  test('one-pass inference is the readout on the neutral-label pass', async () => {
    const learner = create({ hidden: [5, 4], readoutFrom: 0, readoutLearningRate: 0.05 }, TASK2, 2);
    const batch = tinyBatch(6, 3);
    await learner.trainStep(batch); // gives the zero-initialised readout some weights
    const scores = learner.predictWith(batch.x, 'softmax');
    const net = await referenceNet(learner, 2);
    const kernel = (await learner.params[READOUT_KERNEL].array()) as number[][];
    const bias = (await learner.params[READOUT_BIAS].array()) as number[];
    const expected: number[] = [];
    for (let b = 0; b < 6; b++) {
      const row = withLabel(Array.from(batch.rows.slice(b * FEATURES, (b + 1) * FEATURES)), [0.5, 0.5]);
      const features = activities(net, row, 'rms').flatMap((h) => normalize(h, 'rms'));
      for (let c = 0; c < 2; c++)
        expected.push(bias[c] + features.reduce((a, v, i) => a + v * kernel[i][c], 0));
    }
    assertClose(await scores.data(), expected, tolerance(backend), 'readout logits');
    tf.dispose([batch.x, batch.y, scores]);
    learner.dispose();
  });

  test('a learner created, stepped and disposed leaves no tensor behind (a page that re-runs makes many)', async () => {
    const batch = tinyBatch(8, 5);
    await expectNoLeaks(async () => {
      const learner = create({ hidden: [6, 5] }, TASK2, 0);
      await learner.trainStep(batch);
      learner.dispose();
    });
    tf.dispose([batch.x, batch.y]);
  });

  test('steps, predictions and state round trips leave no tensors behind', async () => {
    const learner = create({ hidden: [6, 5] }, TASK2, 0);
    const batch = tinyBatch(8, 5);
    await learner.trainStep(batch); // optimiser slots are created on the first step
    await expectNoLeaks(async () => {
      for (let i = 0; i < (backend === 'webgpu' ? 3 : 20); i++) {
        await learner.trainStep(batch);
        (learner.predictWith(batch.x, 'goodness') as tf.Tensor).dispose();
        (learner.predict(batch.x) as tf.Tensor).dispose();
      }
      const state = await learner.saveState!();
      await learner.loadState!(state);
      tf.dispose(Object.values(state));
    });
    tf.dispose([batch.x, batch.y]);
    learner.dispose();
  });

  test('steps with jittered images leave no tensors behind', async () => {
    const learner = create({ hidden: [6], shift: 1 }, denseTask(16, 2), 0);
    const { x, y } = prototypes(8, 16, 2, 1);
    const batch = { x: tf.tensor2d(x, [8, 16]), y: tf.tensor1d(y, 'int32'), size: 8 };
    await learner.trainStep(batch);
    await expectNoLeaks(async () => {
      for (let i = 0; i < 3; i++) await learner.trainStep(batch);
    });
    tf.dispose([batch.x, batch.y]);
    learner.dispose();
  });

  test('saveState/loadState resumes exactly, peer statistics included', async () => {
    const a = create({ hidden: [6, 5] }, TASK2, 4);
    const b = create({ hidden: [6, 5] }, TASK2, 4);
    const batch = tinyBatch(8, 6);
    for (let i = 0; i < 3; i++) await a.trainStep(batch);
    const state = await a.saveState!();
    for (const [name, param] of Object.entries(a.params)) b.params[name].assign(param);
    await b.loadState!(state);
    const [ma, mb] = [await a.trainStep(batch), await b.trainStep(batch)];
    expect(mb).toEqual(ma);
    for (const name of Object.keys(a.params)) {
      assertClose(await b.params[name].data(), await a.params[name].data(), { rtol: 0, atol: 0 }, name);
    }
    await expect(b.loadState!({ ...state, stray: tf.scalar(1) })).rejects.toMatchObject({
      code: 'E_CHECKPOINT',
    });
    tf.dispose([batch.x, batch.y, ...Object.values(state)]);
    a.dispose();
    b.dispose();
  });

  test('inputs of the wrong shape or form are E_SHAPE errors', async () => {
    const learner = create({ hidden: [4] }, TASK2, 0);
    const x = tf.zeros([3, 5]);
    expect(() => learner.predict(x)).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    const events = packEventBatch([{ times: Float32Array.of(1), units: Int32Array.of(0) }], 2, 10);
    expect(() => learner.predict(events)).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    const y = tf.zeros([3], 'int32');
    await expect(learner.trainStep({ x, y, size: 3 })).rejects.toMatchObject({ code: 'E_SHAPE' });
    tf.dispose([x, y]);
    learner.dispose();
  });
});

// Learning is the same algorithm on every backend; SwiftShader's WebGPU would take minutes.
describe.each(backends.filter((b) => b !== 'webgpu'))('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test('supervised FF learns a 4-class problem: layer loss falls, both inference modes far above chance', async () => {
    const features = 40;
    const train = prototypes(512, features, 4, 1);
    const held = prototypes(200, features, 4, 2);
    const learner = create(
      { hidden: [32, 32], learningRate: 0.01, readoutLearningRate: 0.01, threshold: 8 },
      denseTask(features, 4),
      0,
    );
    const result = await fit(
      learner,
      { train: memorySplit(train.x, train.y, [features]) },
      { epochs: 8, batchSize: 32, learningRate: 0.01, schedule: { kind: 'constant' }, seed: 0 },
    );
    expect(result.history[7].train.loss).toBeLessThan(result.history[0].train.loss * 0.7);
    const x = tf.tensor2d(held.x, [200, features]);
    for (const mode of ['softmax', 'goodness'] as const) {
      const scores = learner.predictWith(x, mode);
      expect(await accuracyOf(scores, held.y)).toBeGreaterThan(0.9); // chance 0.25
      scores.dispose();
    }
    x.dispose();
    learner.dispose();
  });

  test('unsupervised FF with hybrid-image negatives learns features a linear readout classifies', async () => {
    // 6×6 images of horizontal vs vertical vs diagonal bars at random positions.
    const make = (n: number, seed: number) => {
      const rng = createRng(seed);
      const x = new Float32Array(n * 36);
      const y = new Int32Array(n);
      for (let s = 0; s < n; s++) {
        const label = rng.int(3);
        const at = rng.int(6);
        y[s] = label;
        for (let k = 0; k < 6; k++) {
          const [r, c] = label === 0 ? [at, k] : label === 1 ? [k, at] : [k, k];
          x[s * 36 + r * 6 + c] = 1;
        }
        for (let i = 0; i < 36; i++) x[s * 36 + i] += 0.1 * rng.uniform();
      }
      return { x, y };
    };
    const train = make(384, 1);
    const held = make(150, 2);
    const task: TaskSpec = { input: { kind: 'dense', shape: [6, 6] }, outputs: 3, kind: 'classification' };
    const learner = create(
      {
        mode: 'unsupervised',
        hidden: [48, 48],
        readoutFrom: 0,
        learningRate: 0.01,
        readoutLearningRate: 0.02,
        maskBlurs: 2,
        threshold: 10,
      },
      task,
      0,
    );
    const result = await fit(
      learner,
      { train: memorySplit(train.x, train.y, [6, 6]) },
      { epochs: 10, batchSize: 32, learningRate: 0.01, schedule: { kind: 'constant' }, seed: 0 },
    );
    expect(result.history[9].train.loss).toBeLessThan(result.history[0].train.loss);
    const x = tf.tensor3d(held.x, [150, 6, 6]);
    const scores = await learner.predict(x);
    expect(await accuracyOf(scores, held.y)).toBeGreaterThan(0.8); // chance 1/3
    tf.dispose([x, scores]);
    learner.dispose();
  });
});
