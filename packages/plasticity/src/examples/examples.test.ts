// The example files the docs show (docs-run.test.ts checks the docs show them as they are).
import { join } from 'node:path';
import { describe, expect, jest, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@plasticity/core-tensors';
import type { Learner } from '@plasticity/core-tensors';
import { expectNoLeaks } from '@plasticity/core-tensors/testing';
import { initBackend, listRules } from '../index.js';
import { cli, onlyJson, tempDir } from '../cli/harness.test-util.js';
import { createDeltaLearner, deltaConfigSchema } from './delta-rule.js';

describe('delta-rule plugin (the guide example)', () => {
  const task = { input: { kind: 'dense', shape: [3] }, outputs: 4, kind: 'classification' } as const;
  const x = [
    [0.5, -1.2, 0.3],
    [1.1, 0.4, -0.7],
    [-0.3, 0.8, 1.5],
    [0.9, -0.2, -1.1],
    [-1.4, 0.6, 0.2],
  ];
  const y = [0, 3, 1, 3, 2];

  test('one step equals a gradient-descent step on softmax cross-entropy (autodiff reference)', async () => {
    await initBackend('cpu');
    const learner = createDeltaLearner(deltaConfigSchema.parse({ initStd: 0.5 }), task, 3);
    const batch = { x: tf.tensor2d(x), y: tf.tensor1d(y, 'int32'), size: x.length };
    const before = { w: learner.params.w.clone(), b: learner.params.b.clone() };
    // Independent reference: tfjs autodiff of the mean cross-entropy at the old params.
    const grads = tf.grads((w: tf.Tensor, b: tf.Tensor) =>
      tf.losses.softmaxCrossEntropy(tf.oneHot(batch.y, 4), tf.add(tf.matMul(batch.x, w), b)),
    )([before.w, before.b]);
    learner.learningRate = 0.3;
    const metrics = await learner.trainStep(batch);
    const expectedW = await tf.sub(before.w, tf.mul(grads[0], 0.3)).array();
    const expectedB = await tf.sub(before.b, tf.mul(grads[1], 0.3)).array();
    expect(await learner.params.w.array()).toEqual(
      (expectedW as number[][]).map((row) => row.map((v) => expect.closeTo(v, 6))),
    );
    expect(await learner.params.b.array()).toEqual((expectedB as number[]).map((v) => expect.closeTo(v, 6)));
    const loss = await tf.losses
      .softmaxCrossEntropy(tf.oneHot(batch.y, 4), await learner.predict(batch.x))
      .data();
    expect(metrics.loss).toBeGreaterThan(loss[0]); // metrics are from before the step, which helped
    tf.dispose([batch.x, batch.y, before.w, before.b, ...grads]);
    learner.dispose();
  });

  test('with Adam, saveState/loadState resumes exactly', async () => {
    await initBackend('cpu');
    const config = deltaConfigSchema.parse({ optimizer: 'adam', learningRate: 0.05, initStd: 0.5 });
    const batch = { x: tf.tensor2d(x), y: tf.tensor1d(y, 'int32'), size: x.length };
    const values = async (l: Learner) => Promise.all(Object.values(l.params).map((p) => p.data()));
    /** A learner with `from`'s weights (and, if asked, its optimiser state). */
    const copy = async (from: Learner, withState: boolean) => {
      const to = createDeltaLearner(config, task, 9);
      for (const [name, p] of Object.entries(from.params)) to.params[name].assign(p);
      if (withState) {
        const state = await from.saveState!();
        await to.loadState!(state);
        tf.dispose(Object.values(state));
      }
      return to;
    };
    const a = createDeltaLearner(config, task, 3);
    for (let i = 0; i < 3; i++) await a.trainStep(batch);
    const [resumed, fresh] = [await copy(a, true), await copy(a, false)];
    for (let i = 0; i < 3; i++) {
      const metrics = await a.trainStep(batch);
      expect(await resumed.trainStep(batch)).toEqual(metrics);
      await fresh.trainStep(batch);
    }
    expect(await values(resumed)).toEqual(await values(a));
    // Without the moments Adam takes other steps: the comparison above can fail.
    expect(await values(fresh)).not.toEqual(await values(a));
    tf.dispose([batch.x, batch.y]);
    [a, resumed, fresh].forEach((l) => l.dispose());
  });

  test('trainStep and predict leak no tensors', async () => {
    await initBackend('cpu');
    const learner = createDeltaLearner(deltaConfigSchema.parse({}), task, 0);
    const batch = { x: tf.tensor2d(x), y: tf.tensor1d(y, 'int32'), size: x.length };
    await expectNoLeaks(() => learner.trainStep(batch));
    await expectNoLeaks(async () => (await learner.predict(batch.x)).dispose());
    tf.dispose([batch.x, batch.y]);
    learner.dispose();
  });

  test('trains from the CLI once its module is imported, with its recipe', async () => {
    expect(listRules().map((r) => r.name)).toContain('delta-rule');
    const run = await cli([
      'train',
      'delta-rule',
      '--dataset',
      'yinyang',
      '--epochs',
      '3',
      '--backend',
      'cpu',
      '--json',
      '-q',
      '--out',
      join(tempDir('delta'), 'run'),
    ]);
    expect(run.stderr).toBe('');
    const result = onlyJson<{ test: { accuracy: number } }>(run);
    expect(result.test.accuracy).toBeGreaterThan(0.55); // chance is 1/3
  });
});

test('the library example runs as written', async () => {
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await import('./train-yinyang.js');
    const last = String(log.mock.calls[log.mock.calls.length - 1][0]);
    expect(last).toMatch(/^\w+: test accuracy 0\.\d+ after 10 epochs$/);
    expect(Number(/accuracy (\S+)/.exec(last)?.[1])).toBeGreaterThan(0.8);
  } finally {
    log.mockRestore();
  }
});

test('the EventProp example runs as written and learns', async () => {
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await import('./eventprop-yinyang.js');
    const lines = log.mock.calls.map((call) => String(call[0]));
    expect(lines[0]).toMatch(/^test accuracy 0\.\d+ after 5 epochs$/);
    // Chance is 1/3; five epochs of EventProp reach well above 80 %.
    expect(Number(/accuracy (\S+)/.exec(lines[0])?.[1])).toBeGreaterThan(0.8);
    expect(lines[1]).toMatch(/^first output spike: unit [0-2] at \d+\.\d\d ms$/);
  } finally {
    log.mockRestore();
  }
});

test('the Forward-Forward example runs as written and learns', async () => {
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await import('./forward-forward-yinyang.js');
    const lines = log.mock.calls.map((call) => String(call[0]));
    expect(lines[0]).toMatch(/^layer 1 goodness: positive \d+, negative \d+$/);
    expect(lines[1]).toMatch(/^test accuracy 0\.\d+ after 5 epochs \(one-pass softmax\)$/);
    expect(Number(/accuracy (\S+)/.exec(lines[1])?.[1])).toBeGreaterThan(0.6); // chance is 1/3
  } finally {
    log.mockRestore();
  }
});

describe('oja plugin (the "Write your own rule" guide)', () => {
  test('the hidden layer learns the principal subspace of its inputs (closed form: the top eigenvectors)', async () => {
    await initBackend('cpu');
    const { createOjaLearner, ojaConfigSchema } = await import('./oja-rule.js');
    // Inputs with variance 9 and 4 along two orthogonal directions, 0.01 along the third.
    const rng = createRng(5);
    const axes = [
      [0.6, 0.8, 0],
      [-0.8, 0.6, 0],
      [0, 0, 1],
    ];
    const scales = [3, 2, 0.1];
    const x = Array.from({ length: 400 }, () => {
      const z = scales.map((s) => s * rng.normal());
      return [0, 1, 2].map((j) => z.reduce((sum, zi, i) => sum + zi * axes[i][j], 0));
    });
    const task = { input: { kind: 'dense', shape: [3] }, outputs: 2, kind: 'classification' } as const;
    const learner = createOjaLearner(ojaConfigSchema.parse({ features: 2, learningRate: 0.01 }), task, 1);
    const batch = {
      x: tf.tensor2d(x),
      y: tf.tensor1d(
        x.map((r) => (r[2] > 0 ? 1 : 0)),
        'int32',
      ),
      size: 400,
    };
    for (let i = 0; i < 400; i++) await learner.trainStep(batch);
    // W spans the top two axes: its columns are orthonormal and have no third-axis component.
    const w = (await learner.params.w.array()) as number[][];
    const gram = [0, 1].map((a) => [0, 1].map((b) => w.reduce((s, row) => s + row[a] * row[b], 0)));
    gram.forEach((row, a) => row.forEach((g, b) => expect(g).toBeCloseTo(a === b ? 1 : 0, 2)));
    expect(Math.hypot(w[2][0], w[2][1])).toBeLessThan(0.02);
    tf.dispose([batch.x, batch.y]);
    learner.dispose();
  });
});
