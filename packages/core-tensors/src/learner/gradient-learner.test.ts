import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import '../gradients.js';
import { assertClose, testBackends, tolerance, useBackend } from '../testing/index.js';
import type { Batch } from '../contract/task.js';
import { isPlasticityError } from '../errors/plasticity-error.js';
import { createGradientLearner } from './gradient-learner.js';
import type { GradientLearner, GradientOptimizerName } from './gradient-learner.js';

// A tiny 3-4-3 tanh network on fixed data, with a float64 host copy of its loss as the
// independent reference for the gradient.
const X = [
  [0.5, -1.2, 0.3],
  [1.1, 0.4, -0.7],
  [-0.3, 0.8, 1.5],
  [0.9, -0.2, -1.1],
  [-1.4, 0.6, 0.2],
];
const Y = [0, 2, 1, 2, 0];
const SHAPES: Record<string, number[]> = { w1: [3, 4], b1: [4], w2: [4, 3], b2: [3] };

function initialValues(): Record<string, Float64Array> {
  // Deterministic, irregular values (no RNG needed).
  const out: Record<string, Float64Array> = {};
  let k = 1;
  for (const [name, shape] of Object.entries(SHAPES)) {
    const n = shape.reduce((a, b) => a * b, 1);
    out[name] = Float64Array.from({ length: n }, () => 0.6 * Math.sin(1.7 * k++));
  }
  return out;
}

function hostLoss(p: Record<string, Float64Array>): number {
  let total = 0;
  X.forEach((x, s) => {
    const h = Array.from({ length: 4 }, (_, j) =>
      Math.tanh(p.b1[j] + x.reduce((acc, xi, i) => acc + xi * p.w1[i * 4 + j], 0)),
    );
    const z = Array.from(
      { length: 3 },
      (_, c) => p.b2[c] + h.reduce((acc, hj, j) => acc + hj * p.w2[j * 3 + c], 0),
    );
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((acc, zc) => acc + Math.exp(zc - m), 0));
    total += lse - z[Y[s]];
  });
  return total / X.length;
}

function hostGradient(p: Record<string, Float64Array>): Record<string, Float64Array> {
  const h = 1e-6;
  const grads: Record<string, Float64Array> = {};
  for (const name of Object.keys(p)) {
    grads[name] = p[name].map((v, i) => {
      p[name][i] = v + h;
      const up = hostLoss(p);
      p[name][i] = v - h;
      const down = hostLoss(p);
      p[name][i] = v;
      return (up - down) / (2 * h);
    });
  }
  return grads;
}

function forward(params: Record<string, tf.Tensor>, x: tf.Tensor): tf.Tensor2D {
  const hidden = tf.tanh(tf.add(tf.matMul(x as tf.Tensor2D, params.w1 as tf.Tensor2D), params.b1));
  return tf.add(tf.matMul(hidden, params.w2 as tf.Tensor2D), params.b2);
}

function makeLearner(
  optimizer: GradientOptimizerName,
  learningRate: number,
  values: Record<string, ArrayLike<number>> = initialValues(),
  extra: { weightDecay?: { rate: number } } = {},
): GradientLearner {
  const params = Object.fromEntries(
    Object.entries(SHAPES).map(([name, shape]) => [
      name,
      tf.tidy(() => tf.variable(tf.tensor(Array.from(values[name]), shape))),
    ]),
  );
  return createGradientLearner({
    params,
    optimizer,
    learningRate,
    predict: (x) => tf.tidy(() => forward(params, x as tf.Tensor)),
    loss: (batch) => {
      const scores = forward(params, batch.x as tf.Tensor);
      const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(batch.y as tf.Tensor1D, 3), scores);
      return { loss: loss as tf.Scalar, scores };
    },
    ...extra,
  });
}

async function paramValues(learner: GradientLearner): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  for (const [name, v] of Object.entries(learner.params)) out[name] = (await v.data()) as Float32Array;
  return out;
}

const backends = await testBackends();

describe.each(backends)('createGradientLearner on %s', (backend) => {
  let batch: Batch;
  // One SGD step moves params by lr·g: float32 forward/backward against float64 central
  // differences agree to ~1e-6 absolute on cpu/wasm; GPUs get their wider per-backend allowance.
  const stepTol = { rtol: tolerance(backend).rtol, atol: Math.max(5e-6, tolerance(backend).atol) };

  beforeAll(async () => {
    await useBackend(backend);
    batch = { x: tf.tensor2d(X), y: tf.tensor1d(Y, 'int32'), size: X.length };
  });

  afterAll(() => {
    tf.dispose([batch.x as tf.Tensor, batch.y]);
  });

  test('one SGD step equals params − lr·(finite-difference gradient)', async () => {
    const lr = 0.3;
    const p0 = initialValues();
    const g = hostGradient(p0);
    const learner = makeLearner('sgd', lr);
    const metrics = await learner.trainStep(batch);
    assertClose([metrics.loss], [hostLoss(p0)], tolerance(backend), 'loss');
    const after = await paramValues(learner);
    for (const name of Object.keys(SHAPES)) {
      const expected = p0[name].map((v, i) => v - lr * g[name][i]);
      assertClose(after[name], expected, stepTol, name);
    }
    learner.dispose();
  });

  test('batch accuracy is computed from the pre-step scores', async () => {
    const learner = makeLearner('sgd', 0.1);
    const scores = await learner.predict(batch.x);
    const hits = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(scores, 1), batch.y), 'float32')));
    scores.dispose();
    const expected = (await hits.data())[0];
    hits.dispose();
    const metrics = await learner.trainStep(batch);
    expect(metrics.accuracy).toBeCloseTo(expected, 6);
    learner.dispose();
  });

  test('decoupled weight decay with SGD equals the L2-penalised gradient step', async () => {
    const lr = 0.2;
    const rate = 0.05;
    const p0 = initialValues();
    const g = hostGradient(p0);
    const learner = makeLearner('sgd', lr, p0, { weightDecay: { rate } });
    await learner.trainStep(batch);
    const after = await paramValues(learner);
    for (const name of Object.keys(SHAPES)) {
      const expected = p0[name].map((v, i) => v - lr * (g[name][i] + rate * v));
      assertClose(after[name], expected, stepTol, name);
    }
    learner.dispose();
  });

  test.each<GradientOptimizerName>(['sgd', 'momentum', 'adam'])(
    '%s: a learning-rate change takes effect on the next step',
    async (name) => {
      const reference = makeLearner(name, 0.02);
      const changed = makeLearner(name, 0.5);
      changed.learningRate = 0.02;
      expect(changed.learningRate).toBe(0.02);
      for (let i = 0; i < 3; i++) {
        await reference.trainStep(batch);
        await changed.trainStep(batch);
      }
      expect(await paramValues(changed)).toEqual(await paramValues(reference));
      // And halving it halves an SGD-family step / Adam's first step (≈ lr·sign(g)).
      const fresh = makeLearner(name, 0.01);
      const before = await paramValues(fresh);
      fresh.learningRate = 0.005;
      await fresh.trainStep(batch);
      const after = await paramValues(fresh);
      const g = hostGradient(initialValues());
      const w1 = after.w1.map((v, i) => v - before.w1[i]);
      const expected = g.w1.map((gi) => (name === 'adam' ? -0.005 * Math.sign(gi) : -0.005 * gi));
      assertClose(w1, expected, { rtol: 0, atol: backend === 'webgpu' ? 1e-5 : 1e-6 }, 'step');
      [reference, changed, fresh].forEach((l) => l.dispose());
    },
  );

  test.each<GradientOptimizerName>(['sgd', 'momentum', 'adam'])(
    '%s: saveState/loadState makes two learners continue identically',
    async (name) => {
      const a = makeLearner(name, 0.05);
      for (let i = 0; i < 5; i++) await a.trainStep(batch);
      const state = await a.saveState!();
      expect((await state.iterations.data())[0]).toBe(5);
      const b = makeLearner(name, 0.05, await paramValues(a));
      await b.loadState!(state);
      tf.dispose(Object.values(state));
      expect(b.iterations).toBe(5);
      for (let i = 0; i < 4; i++) {
        const ma = await a.trainStep(batch);
        const mb = await b.trainStep(batch);
        expect(mb.loss).toBe(ma.loss);
      }
      expect(await paramValues(b)).toEqual(await paramValues(a));
      // Without the state, Adam/momentum would diverge from `a`: the test can fail.
      if (name !== 'sgd') {
        const c = makeLearner(name, 0.05, await paramValues(a));
        const d = makeLearner(name, 0.05, await paramValues(a));
        await d.loadState!((await a.saveState!()) as Record<string, tf.Tensor>);
        await c.trainStep(batch);
        await d.trainStep(batch);
        expect(await paramValues(c)).not.toEqual(await paramValues(d));
        c.dispose();
        d.dispose();
      }
      a.dispose();
      b.dispose();
    },
  );

  test('loading another optimiser’s state is an E_CHECKPOINT error naming the keys', async () => {
    const adam = makeLearner('adam', 0.01);
    await adam.trainStep(batch);
    const state = await adam.saveState!();
    const momentum = makeLearner('momentum', 0.01);
    const error = await momentum.loadState!(state).catch((e: unknown) => e);
    expect(isPlasticityError(error, 'E_CHECKPOINT')).toBe(true);
    expect((error as Error).message).toMatch(/missing: w1\/momentum/);
    expect((error as Error).message).toMatch(/unexpected: .*w1\/m/);
    tf.dispose(Object.values(state));
    adam.dispose();
    momentum.dispose();
  });

  test('state saved before the first step loads', async () => {
    const a = makeLearner('adam', 0.01);
    const state = await a.saveState!();
    expect(Object.keys(state).sort()).toEqual(['beta1Power', 'beta2Power', 'iterations']);
    const b = makeLearner('adam', 0.01);
    await b.loadState!(state);
    await a.trainStep(batch);
    await b.trainStep(batch);
    expect(await paramValues(b)).toEqual(await paramValues(a));
    tf.dispose(Object.values(state));
    a.dispose();
    b.dispose();
  });

  test.each([
    ['learningRate', { learningRate: Number.NaN }],
    ['learningRate', { learningRate: -1 }],
    ['optimizer', { optimizer: 'rmsprop' }],
    ['weightDecay.rate', { weightDecay: { rate: Number.POSITIVE_INFINITY } }],
  ])('bad %s is an E_CONFIG error naming the field', (field, override) => {
    const params = { w: tf.tidy(() => tf.variable(tf.zeros([2]))) };
    const build = () =>
      createGradientLearner({
        params,
        optimizer: 'sgd',
        learningRate: 0.1,
        loss: () => tf.sum(params.w) as tf.Scalar,
        predict: (x) => (x as tf.Tensor).clone(),
        ...(override as object),
      });
    expect(build).toThrow(
      expect.objectContaining({ code: 'E_CONFIG', details: expect.objectContaining({ field }) }),
    );
    params.w.dispose();
  });

  test('setting a NaN learning rate is an E_CONFIG error and keeps the old rate', () => {
    const learner = makeLearner('adam', 0.01);
    expect(() => (learner.learningRate = Number.NaN)).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(learner.learningRate).toBe(0.01);
    learner.dispose();
  });

  // 50 steps; 10 on webgpu, where SwiftShader makes each step slow (a leak shows after one).
  const leakSteps = backend === 'webgpu' ? 10 : 50;
  test.each<GradientOptimizerName>(['sgd', 'momentum', 'adam'])(
    `%s: no tensors leak over ${leakSteps} steps, state round-trips and dispose`,
    async (name) => {
      const start = tf.memory().numTensors;
      const learner = makeLearner(name, 0.01, initialValues(), { weightDecay: { rate: 1e-3 } });
      await learner.trainStep(batch); // creates the optimiser slots
      const afterFirst = tf.memory().numTensors;
      for (let i = 0; i < leakSteps; i++) await learner.trainStep(batch);
      expect(tf.memory().numTensors).toBe(afterFirst);
      const state = await learner.saveState!();
      await learner.loadState!(state);
      tf.dispose(Object.values(state));
      learner.learningRate = 0.02;
      await learner.trainStep(batch);
      expect(tf.memory().numTensors).toBe(afterFirst);
      learner.dispose();
      expect(tf.memory().numTensors).toBe(start);
    },
  );
});
