// The small task the thread tests train on (in Node and in the browser page), and what they
// measure: accuracy of the center, and the conservation total (center plus every worker).
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@plasticity/core-tensors';
import type { TaskSpec, TensorBatch } from '@plasticity/core-tensors';
import { flattenParams } from '../../worker/flat-params.js';
import type { ThreadedLearner } from '../parallel-learner.js';

export const TEACHER_TASK: TaskSpec = {
  input: { kind: 'dense', shape: [4] },
  outputs: 3,
  kind: 'classification',
};

/** A linear teacher: class = argmax of a fixed 4 → 3 map of uniform features. */
export function teacherBatches(count: number, size: number, seed: number): TensorBatch[] {
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

export async function accuracy(learner: ThreadedLearner, batch: TensorBatch): Promise<number> {
  const scores = (await learner.predict(batch.x)) as tf.Tensor2D;
  const right = tf.tidy(
    () => tf.mean(tf.cast(tf.equal(tf.argMax(scores, 1), batch.y), 'float32')).dataSync()[0],
  );
  scores.dispose();
  return right;
}

/** Per coordinate, the center plus every worker's params (float64 sums). */
export async function grandTotal(
  learner: ThreadedLearner,
): Promise<{ total: Float64Array; center: Float32Array }> {
  await learner.flush();
  const center = await flattenParams(learner.params);
  const total = Float64Array.from(center);
  for (const x of await learner.workerParams()) x.forEach((v, k) => (total[k] += v));
  return { total, center };
}

export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, k) => Math.max(m, Math.abs(v - b[k])), 0);
