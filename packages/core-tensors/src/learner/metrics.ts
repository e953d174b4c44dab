import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../contract/task.js';

/**
 * `{ accuracy }` of class scores `[B, classes]` against labels `y [B]`, or `{}` when the batch
 * is not labelled classification.
 */
export function accuracyMetric(batch: Batch, scores: tf.Tensor): Record<string, tf.Scalar> {
  if (scores.rank !== 2 || batch.y.rank !== 1 || scores.shape[0] !== batch.y.shape[0]) return {};
  const hits = tf.equal(tf.argMax(scores, 1), tf.cast(batch.y, 'int32'));
  return { accuracy: tf.mean(tf.cast(hits, 'float32')) };
}

/**
 * Runs `compute` inside `tidy` and reads the named scalars it returns back in one async
 * download (never `dataSync`: it would stall WebGPU). Every tensor `compute` makes is freed.
 */
export async function readMetrics(compute: () => Record<string, tf.Tensor>): Promise<Record<string, number>> {
  let names: string[] = [];
  const packed = tf.tidy(() => {
    const scalars = compute();
    names = Object.keys(scalars);
    return tf.stack(names.map((name) => tf.cast(tf.reshape(scalars[name], []), 'float32')));
  });
  const values = await packed.data();
  packed.dispose();
  return Object.fromEntries(names.map((name, i) => [name, values[i]]));
}
