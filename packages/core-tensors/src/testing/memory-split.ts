import * as tf from '@tensorflow/tfjs-core';
import type { BatchOptions, DataSplit, TensorBatch } from '../contract/task.js';
import { createRng } from '../rng/rng.js';

/**
 * A small in-memory `DataSplit` for tests: `x` holds `size · prod(featureShape)` features, `y`
 * integer labels. Shuffles with `createRng(seed).fork('epoch:<epoch>')`; each batch's tensors
 * are disposed when the consumer moves on.
 */
export function memorySplit(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  featureShape: readonly number[],
): DataSplit<TensorBatch> {
  const size = y.length;
  const width = featureShape.reduce((a, b) => a * b, 1);
  if (x.length !== size * width) {
    throw new Error(`memorySplit: ${x.length} features for ${size} samples of shape [${featureShape}]`);
  }
  return {
    size,
    async *batches(options: BatchOptions): AsyncGenerator<TensorBatch> {
      const { batchSize, shuffle = true, seed = 0, epoch = 0, keepLast = true } = options;
      const order = shuffle
        ? createRng(seed).fork(`epoch:${epoch}`).permutation(size)
        : Int32Array.from({ length: size }, (_, i) => i);
      for (let start = 0; start < size; start += batchSize) {
        const rows = order.subarray(start, Math.min(size, start + batchSize));
        if (rows.length < batchSize && !keepLast) break;
        const xs = new Float32Array(rows.length * width);
        const ys = new Int32Array(rows.length);
        rows.forEach((row, i) => {
          for (let j = 0; j < width; j++) xs[i * width + j] = x[row * width + j];
          ys[i] = y[row];
        });
        const xTensor = tf.tensor(xs, [rows.length, ...featureShape], 'float32');
        const yTensor = tf.tensor1d(ys, 'int32');
        try {
          yield { x: xTensor, y: yTensor, size: rows.length } satisfies TensorBatch;
        } finally {
          xTensor.dispose();
          yTensor.dispose();
        }
      }
    },
  };
}
