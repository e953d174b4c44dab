import * as tf from '@tensorflow/tfjs-core';
import { packEventBatch } from '../contract/events.js';
import type { Batch, BatchOptions, DataSplit, SpikeEvents, TensorBatch } from '../contract/task.js';
import { createRng } from '../rng/rng.js';

/** The sample rows of each batch of one epoch: seeded shuffle per epoch, or in order. */
function* batchRows(size: number, options: BatchOptions): Generator<Int32Array> {
  const { batchSize, shuffle = true, seed = 0, epoch = 0, keepLast = true } = options;
  const order = shuffle
    ? createRng(seed).fork(`epoch:${epoch}`).permutation(size)
    : Int32Array.from({ length: size }, (_, i) => i);
  for (let start = 0; start < size; start += batchSize) {
    const rows = order.subarray(start, Math.min(size, start + batchSize));
    if (rows.length < batchSize && !keepLast) return;
    yield rows;
  }
}

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
      for (const rows of batchRows(size, options)) {
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

/**
 * A small in-memory `DataSplit` of event-list samples (an `events` task) with integer labels,
 * shuffled as `memorySplit`; each batch's label tensor is disposed when the consumer moves on.
 */
export function memoryEventSplit(
  samples: readonly SpikeEvents[],
  y: ArrayLike<number>,
  channels: number,
  duration: number,
): DataSplit {
  if (samples.length !== y.length) {
    throw new Error(`memoryEventSplit: ${samples.length} samples for ${y.length} labels`);
  }
  return {
    size: y.length,
    async *batches(options: BatchOptions): AsyncGenerator<Batch> {
      for (const rows of batchRows(y.length, options)) {
        const x = packEventBatch(
          Array.from(rows, (row) => samples[row]),
          channels,
          duration,
        );
        const labels = tf.tensor1d(
          Int32Array.from(rows, (row) => y[row]),
          'int32',
        );
        try {
          yield { x, y: labels, size: rows.length };
        } finally {
          labels.dispose();
        }
      }
    },
  };
}
