import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { createGradientLearner, softmaxCrossEntropy } from '@plasticity/core-tensors';
import type { Batch, Learner, ParamMap, StepMetrics, TensorBatch } from '@plasticity/core-tensors';
import { expectNoLeaks, useBackend } from '@plasticity/core-tensors/testing';
import { parseEasgdConfig } from '../config.js';
import type { EasgdConfig } from '../config.js';
import { simulateAsync } from '../simulate/quadratic.js';
import { MemoryStore } from '../store/memory-store.js';
import { ElasticLink } from './elastic-link.js';
import { ElasticWorker } from './elastic-worker.js';
import { flattenParams, paramOrder, writeParams } from './flat-params.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const config = (raw: Record<string, unknown>): EasgdConfig => parseEasgdConfig(raw).config;

/**
 * A hand-written Learner taking a gradient step on f(w) = h/2 ‖w − c‖² (two params, so the
 * flat order matters): the tfjs twin of the simulator's quadratic worker.
 */
function quadraticLearner(h: number, c: number, eta: number, start: number): Learner {
  const params: ParamMap = { b: tf.variable(tf.fill([1], start)), a: tf.variable(tf.fill([2], start)) };
  return {
    params,
    learningRate: eta,
    trainStep: async () => {
      tf.tidy(() => {
        for (const v of Object.values(params)) v.assign(tf.sub(v, tf.mul(eta * h, tf.sub(v, c))));
      });
      return Promise.resolve({ loss: 0 });
    },
    predict: (x) => x as tf.Tensor,
    dispose: () => Object.values(params).forEach((v) => v.dispose()),
  };
}

describe('flat params', () => {
  test('sorted names, written back in the same order', async () => {
    const params: ParamMap = { w: tf.variable(tf.tensor([[1, 2]])), b: tf.variable(tf.tensor([3])) };
    expect(paramOrder(params)).toEqual(['b', 'w']);
    expect(Array.from(await flattenParams(params))).toEqual([3, 1, 2]);
    writeParams(params, Float32Array.of(-1, 5, 6));
    expect(await params.w.array()).toEqual([[5, 6]]);
    expect(await params.b.array()).toEqual([-1]);
    expect(() => writeParams(params, new Float32Array(2))).toThrow(/3 values/);
    Object.values(params).forEach((v) => v.dispose());
  });
});

describe('ElasticWorker around a Learner', () => {
  for (const method of ['easgd', 'downpour'] as const) {
    for (const order of ['author', 'after-step'] as const) {
      test(`${method} (${order}): two tfjs workers follow the simulator's trajectory`, async () => {
        const eta = 0.1;
        const minima = [-1, 3];
        const cfg = config({ method, workers: 2, tau: 3 });
        const store = new MemoryStore(3);
        const learners = minima.map((c) => quadraticLearner(1, c, eta, 0.5));
        const workers = learners.map(
          (learner, i) => new ElasticWorker({ learner, store, config: cfg, workerId: i, order }),
        );
        for (const w of workers) await w.join();
        const rounds = 20;
        for (let r = 0; r < rounds; r++) for (const w of workers) await w.step({} as Batch);
        const simulated = await simulateAsync({
          config: cfg,
          quadratics: minima.map((minimum) => ({ curvature: 1, minimum })),
          eta,
          rounds,
          dimensions: 3,
          start: 0.5,
          order,
        });
        const center = await store.read();
        for (let k = 0; k < 3; k++) expect(center[k]).toBeCloseTo(simulated.center[k], 5);
        for (let i = 0; i < 2; i++) {
          const x = await flattenParams(learners[i].params);
          for (let k = 0; k < 3; k++) expect(x[k]).toBeCloseTo(simulated.workers[i][k], 5);
        }
        // Not trivially equal: the workers sit apart, on either side of the center.
        expect(Math.abs(simulated.workers[0][0] - simulated.workers[1][0])).toBeGreaterThan(0.5);
        learners.forEach((l) => l.dispose());
      });
    }
  }

  test('two EASGD and two EAMSGD workers train softmax regression; the center classifies; no leaks', async () => {
    // A linear teacher in 4-d: class = argmax(x W*); each worker sees its own half of the data.
    const n = 512;
    const teacher = tf.tensor2d([
      [1, -1, 0],
      [0.5, 1, -1],
      [-1, 0, 1],
      [0, -0.5, 0.5],
    ]);
    const x = tf.randomNormal([n, 4], 0, 1, 'float32', 7);
    const y = tf.tidy(() => tf.argMax(tf.matMul(x, teacher), 1));
    const shards = [0, 1].map((i) => ({
      x: tf.slice(x, [i * (n / 2), 0], [n / 2, 4]),
      y: tf.slice(y, [i * (n / 2)], [n / 2]),
    }));
    const batches = shards.map((s) =>
      Array.from({ length: 8 }, (_, b): TensorBatch => ({
        x: tf.slice(s.x, [b * 32, 0], [32, 4]),
        y: tf.slice(s.y, [b * 32], [32]),
        size: 32,
      })),
    );
    const makeLearner = (seed: number, nesterov: boolean) => {
      const params: ParamMap = {
        w: tf.variable(tf.randomNormal([4, 3], 0, 0.1, 'float32', seed)),
        b: tf.variable(tf.zeros([3])),
      };
      const scores = (input: tf.Tensor) =>
        tf.add(tf.matMul(input as tf.Tensor2D, params.w), params.b) as tf.Tensor2D;
      return createGradientLearner({
        params,
        loss: (batch) => softmaxCrossEntropy(scores(batch.x as tf.Tensor), batch.y),
        predict: (input) => scores(input as tf.Tensor),
        optimizer: nesterov ? 'momentum' : 'sgd',
        learningRate: nesterov ? 0.05 : 0.5,
        optimizerOptions: nesterov ? { momentum: 0.9, nesterov: true } : {},
      });
    };
    for (const method of ['easgd', 'eamsgd'] as const) {
      const cfg = config({ method, workers: 2, tau: 4, delta: 0.9 });
      const store = new MemoryStore(15);
      const learners = [1, 2].map((seed) => makeLearner(seed, method === 'eamsgd'));
      const workers = learners.map(
        (learner, i) => new ElasticWorker({ learner, store, config: cfg, workerId: i }),
      );
      for (const w of workers) await w.join();
      let step = 0;
      const round = async (): Promise<StepMetrics[]> => {
        const b = step++ % 8;
        return [await workers[0].step(batches[0][b]), await workers[1].step(batches[1][b])];
      };
      for (let r = 0; r < 200; r++) await round();
      await expectNoLeaks(round, { repeats: 8 });
      // Evaluate the center: load it into a learner and score all samples.
      writeParams(learners[0].params, await store.read());
      const accuracy = tf.tidy(
        () =>
          tf
            .mean(tf.cast(tf.equal(tf.argMax(learners[0].predict(x) as tf.Tensor, 1), y), 'float32'))
            .dataSync()[0],
      );
      expect([method, accuracy > 0.95]).toEqual([method, true]);
      learners.forEach((l) => l.dispose());
    }
    tf.dispose([
      teacher,
      x,
      y,
      ...shards.flatMap((s) => [s.x, s.y]),
      ...batches.flat().flatMap((b) => [b.x, b.y]),
    ]);
  });

  test('tree EASGD: a worker per machine keeps the link; with eta = 0 the grand total is conserved', async () => {
    const global = new MemoryStore(3);
    await global.init(new Float32Array(3));
    const machines = [3, -5].map((start) => {
      const local = new MemoryStore(3);
      const link = new ElasticLink({ lower: local, upper: global, alpha: 0.25, tau: 2 });
      const cfg = config({ workers: 2, tau: 1, alpha: 0.25 });
      const learners = [0, 1].map(() => quadraticLearner(1, 0, 0, start));
      const workers = learners.map(
        (learner, i) =>
          new ElasticWorker({
            learner,
            store: local,
            config: cfg,
            workerId: i,
            link: i === 0 ? link : undefined,
          }),
      );
      return { local, learners, workers };
    });
    for (const m of machines) for (const w of m.workers) await w.join();
    const batch = {} as Batch;
    for (let r = 0; r < 3; r++) for (const m of machines) for (const w of m.workers) await w.step(batch);
    let sum = (await global.read())[0];
    for (const m of machines) {
      sum += (await m.local.read())[0];
      for (const l of m.learners) sum += (await flattenParams(l.params))[0];
    }
    expect(sum).toBe(3 * 3 + 3 * -5);
    expect((await global.read())[0]).not.toBe(0);
    expect((await flattenParams(machines[0].learners[1].params))[0]).not.toBe(3);
    machines.forEach((m) => m.learners.forEach((l) => l.dispose()));
  });
});
