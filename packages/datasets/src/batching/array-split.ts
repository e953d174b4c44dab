import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '@plasticity/core-tensors';
import type { BatchOptions, DataSplit, TensorBatch } from '@plasticity/core-tensors';
import { seededPermutation } from './permutation.js';
import { checkBatchOptions } from './batch-options.js';

export interface ArraySplitOptions {
  /** Whether `batches()` shuffles when the caller does not say (default true; use false for test splits). */
  readonly shuffle?: boolean;
}

/** A split held in memory as flat arrays; batches are cut on demand. */
export interface ArraySplit extends DataSplit<TensorBatch> {
  /** `[size, ...featureShape]` row-major. */
  readonly features: Float32Array;
  readonly featureShape: readonly number[];
  readonly labels: Int32Array;
  /** A new split of the rows at `indices` (copied, in that order); `options` default to this split's. */
  subset(indices: ArrayLike<number>, options?: ArraySplitOptions): ArraySplit;
}

/**
 * Wraps flat arrays as a {@link DataSplit}. Each `batches(options)` call is one epoch: rows in a
 * permutation seeded by `(seed, epoch)` (or in order with `shuffle: false`), cut into
 * `[B, ...featureShape]` float32 `x` and int32 `y` tensors.
 *
 * Ownership: the iterator owns each batch's tensors and disposes them when it advances, and when
 * the loop ends or breaks. Consumers must not dispose them; `tf.clone` what must outlive a step.
 */
export function arraySplit(
  features: Float32Array,
  featureShape: readonly number[],
  labels: Int32Array,
  options: ArraySplitOptions = {},
): ArraySplit {
  const shape = [...featureShape];
  if (shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new PlasticityError(
      'E_SHAPE',
      `featureShape must hold whole numbers ≥ 1, got [${shape.join(', ')}]`,
    );
  }
  const width = shape.reduce((a, b) => a * b, 1);
  const size = labels.length;
  if (features.length !== size * width) {
    throw new PlasticityError(
      'E_SHAPE',
      `features hold ${features.length} values; ${size} labels × [${shape.join(', ')}] need ${size * width}`,
      { features: features.length, labels: size, featureShape: shape },
    );
  }
  const defaultShuffle = options.shuffle ?? true;

  async function* batches(batchOptions: BatchOptions): AsyncGenerator<TensorBatch> {
    checkBatchOptions(batchOptions);
    const { batchSize, keepLast = true, seed = 0, epoch = 0 } = batchOptions;
    const order = (batchOptions.shuffle ?? defaultShuffle) ? seededPermutation(size, seed, epoch) : undefined;
    let current: TensorBatch | undefined;
    try {
      for (let start = 0; start < size; start += batchSize) {
        const count = Math.min(batchSize, size - start);
        if (count < batchSize && !keepLast) break;
        const x = new Float32Array(count * width);
        const y = new Int32Array(count);
        for (let i = 0; i < count; i++) {
          const row = order === undefined ? start + i : order[start + i];
          x.set(features.subarray(row * width, (row + 1) * width), i * width);
          y[i] = labels[row];
        }
        if (current !== undefined) tf.dispose([current.x, current.y]);
        current = { x: tf.tensor(x, [count, ...shape], 'float32'), y: tf.tensor1d(y, 'int32'), size: count };
        yield current;
      }
    } finally {
      if (current !== undefined) tf.dispose([current.x, current.y]);
    }
  }

  function subset(indices: ArrayLike<number>, subsetOptions: ArraySplitOptions = options): ArraySplit {
    const n = indices.length;
    const f = new Float32Array(n * width);
    const l = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const row = indices[i];
      if (!Number.isInteger(row) || row < 0 || row >= size) {
        throw new PlasticityError('E_SHAPE', `subset index ${row} is out of range for ${size} rows`);
      }
      f.set(features.subarray(row * width, (row + 1) * width), i * width);
      l[i] = labels[row];
    }
    return arraySplit(f, shape, l, subsetOptions);
  }

  return { size, features, featureShape: shape, labels, batches, subset };
}
