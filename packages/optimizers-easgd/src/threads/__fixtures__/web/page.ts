// The browser test's page: two Web Workers train softmax regression around a center, with the
// center in a SharedArrayBuffer when the page is cross-origin isolated and on the page otherwise.
// The test calls `window.runEasgd()` and checks what it returns.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@plasticity/core-tensors';
import { createWebWorkerLearner, parseEasgdConfig } from '../../../index.js';
import type { ThreadedLearner, WebWorkerLike } from '../../../index.js';
import { softmaxLearner } from '../softmax-learner.js';
import { TEACHER_TASK, accuracy, grandTotal, maxAbsDiff, teacherBatches } from '../teacher-task.js';

interface PageScope {
  readonly crossOriginIsolated: boolean;
  readonly location: { readonly origin: string };
  runEasgd?: () => Promise<unknown>;
  Worker: new (url: string, options: { type: 'module' }) => WebWorkerLike;
}
const page = globalThis as unknown as PageScope;

async function learnerOnWorkers(): Promise<ThreadedLearner> {
  return createWebWorkerLearner({
    center: softmaxLearner(7),
    worker: () => new page.Worker('./train-worker.js', { type: 'module' }),
    rule: 'softmax',
    config: {},
    task: TEACHER_TASK,
    seed: 7,
    easgd: parseEasgdConfig({ method: 'easgd', workers: 2, tau: 4 }).config,
    backend: 'wasm',
    wasmPaths: `${page.location.origin}/wasm/`,
  });
}

page.runEasgd = async () => {
  await initBackend('cpu');
  const train = teacherBatches(40, 16, 1);
  const [held] = teacherBatches(1, 400, 2);

  // Conservation: the workers first train apart, then with eta = 0 only the exchanges move
  // things, and whatever their interleaving the center plus the workers stays put.
  const conserving = await learnerOnWorkers();
  for (const batch of train.slice(0, 16)) await conserving.trainStep(batch);
  const before = await grandTotal(conserving);
  conserving.learningRate = 0;
  for (let r = 0; r < 3; r++) for (const batch of train.slice(0, 16)) await conserving.trainStep(batch);
  const after = await grandTotal(conserving);
  const conservation = {
    centerMoved: maxAbsDiff(after.center, before.center),
    drift: maxAbsDiff(after.total, before.total),
  };
  conserving.dispose();

  // Training: three passes over 40 batches of 16; the center is scored on 400 held-out samples.
  const learner = await learnerOnWorkers();
  const chance = await accuracy(learner, held);
  const start = performance.now();
  for (let epoch = 0; epoch < 3; epoch++) for (const batch of train) await learner.trainStep(batch);
  await learner.flush();
  const seconds = (performance.now() - start) / 1000;
  const trained = await accuracy(learner, held);
  const result = {
    crossOriginIsolated: page.crossOriginIsolated,
    centerStore: learner.centerStore,
    workers: learner.workers,
    conservation,
    accuracyBefore: chance,
    accuracy: trained,
    seconds,
  };
  learner.dispose();
  tf.dispose([...train, held].flatMap((b) => [b.x, b.y]));
  return result;
};
