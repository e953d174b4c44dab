import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { useBackend } from '@plasticity/core-tensors/testing';
import { parseEasgdConfig } from '../config.js';
import { flattenParams } from '../worker/flat-params.js';
import { softmaxLearner } from './__fixtures__/softmax-learner.js';
import {
  TEACHER_TASK,
  accuracy,
  grandTotal,
  maxAbsDiff,
  teacherBatches,
} from './__fixtures__/teacher-task.js';
import { createThreadedLearner } from './threaded-learner.js';
import type { ThreadedLearner } from './threaded-learner.js';

// The threads run the built JavaScript (Node cannot start a worker on TypeScript), so the test
// builds the package first: the threads then run the same sources as the assertions here.
const PACKAGE = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = new URL('../../dist/threads/__fixtures__/softmax-thread.js', import.meta.url);

beforeAll(async () => {
  execFileSync(process.execPath, ['../../node_modules/typescript/bin/tsc', '-b', 'tsconfig.build.json'], {
    cwd: PACKAGE,
    stdio: 'pipe',
  });
  await useBackend('cpu');
}, 120_000);

function threaded(
  rule: string,
  method: 'easgd' | 'downpour' = 'easgd',
  centerStore: 'shared' | 'messages' = 'shared',
): Promise<ThreadedLearner> {
  return createThreadedLearner({
    center: softmaxLearner(7),
    script: SCRIPT,
    rule,
    config: {},
    task: TEACHER_TASK,
    seed: 7,
    easgd: parseEasgdConfig({ method, workers: 2, tau: 4 }).config,
    backend: 'cpu',
    centerStore,
  });
}

describe('createThreadedLearner', () => {
  test.each(['easgd', 'downpour'] as const)(
    '%s: two threads train the center, which predict and params see',
    async (method) => {
      const learner = await threaded('softmax', method);
      const train = teacherBatches(40, 16, 1);
      const [test_] = teacherBatches(1, 400, 2);
      const before = await accuracy(learner, test_);
      const start = await flattenParams(learner.params);
      try {
        expect(learner.workers).toBe(2);
        for (let epoch = 0; epoch < 3; epoch++) {
          for (const batch of train) {
            const metrics = await learner.trainStep(batch);
            expect(Number.isFinite(metrics.loss)).toBe(true);
          }
        }
        const after = await accuracy(learner, test_);
        expect(after).toBeGreaterThan(0.9);
        expect(after).toBeGreaterThan(before + 0.2);
        // predict flushed the center into params: they moved from the start.
        const now = await flattenParams(learner.params);
        expect(now.some((v, i) => v !== start[i])).toBe(true);
      } finally {
        learner.dispose();
        tf.dispose([...train, test_].flatMap((b) => [b.x, b.y]));
      }
    },
    60_000,
  );

  test.each(['shared', 'messages'] as const)(
    '%s center: with eta = 0 the exchanges keep the center plus the workers constant',
    async (centerStore) => {
      const learner = await threaded('softmax', 'easgd', centerStore);
      const train = teacherBatches(16, 16, 6);
      try {
        expect(learner.centerStore).toBe(centerStore);
        // The workers first train apart (each on its own batches), so the exchanges move things.
        for (const batch of train) await learner.trainStep(batch);
        const before = await grandTotal(learner);
        learner.learningRate = 0;
        for (let r = 0; r < 3; r++) for (const batch of train) await learner.trainStep(batch);
        const after = await grandTotal(learner);
        // A lost or doubled add would shift a total by as much as the center moved.
        expect(maxAbsDiff(after.center, before.center)).toBeGreaterThan(1e-3);
        expect(maxAbsDiff(after.total, before.total)).toBeLessThan(1e-5);
      } finally {
        learner.dispose();
        tf.dispose(train.flatMap((b) => [b.x, b.y]));
      }
    },
    60_000,
  );

  test('messages center: two threads train the center', async () => {
    const learner = await threaded('softmax', 'easgd', 'messages');
    const train = teacherBatches(40, 16, 1);
    const [test_] = teacherBatches(1, 400, 2);
    try {
      for (let epoch = 0; epoch < 3; epoch++) for (const batch of train) await learner.trainStep(batch);
      expect(await accuracy(learner, test_)).toBeGreaterThan(0.9);
    } finally {
      learner.dispose();
      tf.dispose([...train, test_].flatMap((b) => [b.x, b.y]));
    }
  }, 60_000);

  test('loadState starts the center and every thread from the params a checkpoint restored', async () => {
    const learner = await threaded('softmax');
    const [batch] = teacherBatches(1, 16, 3);
    try {
      await learner.trainStep(batch);
      const state = await learner.saveState!();
      // A "checkpoint" of zeros: after loadState the center (and so predict) is all zeros.
      for (const v of Object.values(learner.params)) v.assign(tf.zerosLike(v));
      await learner.loadState!(state);
      tf.dispose(Object.values(state));
      await learner.flush();
      expect(Array.from(await flattenParams(learner.params)).every((v) => v === 0)).toBe(true);
    } finally {
      learner.dispose();
      tf.dispose([batch.x, batch.y]);
    }
  }, 60_000);

  test('a failing step on a thread rejects with the thread’s error, not a hang', async () => {
    const learner = await threaded('failing');
    const [batch] = teacherBatches(1, 8, 4);
    try {
      await expect(learner.trainStep(batch)).rejects.toThrow(/this step always fails/);
    } finally {
      learner.dispose();
      tf.dispose([batch.x, batch.y]);
    }
  }, 60_000);

  test('a thread that cannot build its learner rejects the creation with its error', async () => {
    await expect(threaded('unbuildable')).rejects.toThrow(/this rule cannot be built here/);
  }, 60_000);

  test('the calling thread keeps no tensors per step', async () => {
    const learner = await threaded('softmax');
    const batches = teacherBatches(4, 8, 5);
    try {
      for (const b of batches) await learner.trainStep(b);
      await learner.flush();
      const before = tf.memory().numTensors;
      for (let r = 0; r < 5; r++) for (const b of batches) await learner.trainStep(b);
      await learner.flush();
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      learner.dispose();
      tf.dispose(batches.flatMap((b) => [b.x, b.y]));
    }
  }, 60_000);
});
