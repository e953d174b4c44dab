// The browser test's page: two Web Workers train softmax regression around a center, with the
// center in a SharedArrayBuffer when the page is cross-origin isolated and on the page otherwise.
// The test calls `window.runEasgd()` and checks what it returns.
import * as tf from '@tensorflow/tfjs-core';
import { createRng, initBackend } from '@plasticity/core-tensors';
import type { TensorBatch } from '@plasticity/core-tensors';
import { createWebWorkerLearner, flattenParams, parseEasgdConfig } from '../../../index.js';
import type { ThreadedLearner, WebWorkerLike } from '../../../index.js';
import { softmaxLearner } from '../softmax-learner.js';

interface PageScope {
  readonly crossOriginIsolated: boolean;
  readonly location: { readonly origin: string };
  runEasgd?: () => Promise<unknown>;
  Worker: new (url: string, options: { type: 'module' }) => WebWorkerLike;
}
const page = globalThis as unknown as PageScope;

/** A linear teacher: class = argmax of a fixed 4 → 3 map of uniform features. */
function teacherBatches(count: number, size: number, seed: number): TensorBatch[] {
  const rng = createRng(seed);
  const teacher = [
    [2, -1, 0],
    [-1, 2, 0],
    [0, -1, 2],
    [1, 1, -2],
  ];
  return Array.from({ length: count }, () => {
    const x = rng.uniformArray(size * 4, -1, 1);
    const y = new Int32Array(size);
    for (let b = 0; b < size; b++) {
      const z = [0, 1, 2].map((c) => teacher.reduce((s, row, f) => s + row[c] * x[b * 4 + f], 0));
      y[b] = z.indexOf(Math.max(...z));
    }
    return { x: tf.tensor2d(x, [size, 4]), y: tf.tensor1d(y, 'int32'), size };
  });
}

async function accuracy(learner: ThreadedLearner, batch: TensorBatch): Promise<number> {
  const scores = (await learner.predict(batch.x)) as tf.Tensor2D;
  const right = tf.tidy(
    () => tf.mean(tf.cast(tf.equal(tf.argMax(scores, 1), batch.y), 'float32')).dataSync()[0],
  );
  scores.dispose();
  return right;
}

/** Per coordinate, the center plus every worker's params (float64 sums). */
async function grandTotal(learner: ThreadedLearner): Promise<{ total: Float64Array; center: Float32Array }> {
  await learner.flush();
  const center = await flattenParams(learner.params);
  const total = Float64Array.from(center);
  for (const x of await learner.workerParams()) x.forEach((v, k) => (total[k] += v));
  return { total, center };
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, k) => Math.max(m, Math.abs(v - b[k])), 0);

async function learnerOnWorkers(): Promise<ThreadedLearner> {
  return createWebWorkerLearner({
    center: softmaxLearner(7),
    worker: () => new page.Worker('./train-worker.js', { type: 'module' }),
    rule: 'softmax',
    config: {},
    task: { input: { kind: 'dense', shape: [4] }, outputs: 3, kind: 'classification' },
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
