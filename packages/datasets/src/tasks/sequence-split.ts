import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '@plasticity/core-tensors';
import type { BatchOptions, DataSplit, TensorBatch } from '@plasticity/core-tensors';
import { checkBatchOptions } from '../batching/batch-options.js';
import { seededPermutation } from '../batching/permutation.js';
import type { LoadDatasetOptions } from '../registry/registry.js';

/** What each series is labelled with: a class, or a float target row of `width` values (regression). */
export type SequenceTargets = Int32Array | { readonly values: Float32Array; readonly width: number };

/** A split of time series held in memory; batches are time-major `x [steps, B, channels]`. */
export interface SequenceSplit extends DataSplit<TensorBatch> {
  readonly steps: number;
  readonly channels: number;
  /** `[size, steps, channels]` row-major. */
  readonly values: Float32Array;
  readonly targets: SequenceTargets;
}

/**
 * Wraps `values [size, steps, channels]` as a split whose batches are `x [steps, B, channels]`
 * float32 (what time-stepped rules read) and `y`: int32 class labels `[B]`, or float32 target
 * rows `[B, width]` for regression. Each `batches` call is one epoch, in a permutation seeded by
 * `(seed, epoch)` (or in order with `shuffle: false`). The iterator owns each batch's tensors
 * and disposes them when it advances and when the loop ends.
 */
export function sequenceSplit(
  values: Float32Array,
  steps: number,
  channels: number,
  targets: SequenceTargets,
  options: { readonly shuffle?: boolean } = {},
): SequenceSplit {
  const labels = targets instanceof Int32Array ? targets : undefined;
  const width = labels ? 1 : (targets as { width: number }).width;
  const size = labels ? labels.length : (targets as { values: Float32Array }).values.length / width;
  const length = steps * channels;
  if (!(Number.isInteger(size) && size >= 1 && values.length === size * length)) {
    throw new PlasticityError(
      'E_SHAPE',
      `${values.length} values do not make ${size} series of ${steps} steps × ${channels} channels`,
      { values: values.length, size, steps, channels },
    );
  }
  const defaultShuffle = options.shuffle ?? true;

  function batch(rows: ArrayLike<number>): TensorBatch {
    const count = rows.length;
    const x = new Float32Array(count * length);
    for (let i = 0; i < count; i++)
      x.set(values.subarray(rows[i] * length, (rows[i] + 1) * length), i * length);
    const y = labels
      ? tf.tensor1d(
          Int32Array.from(rows, (r) => labels[r]),
          'int32',
        )
      : tf.tensor2d(
          Float32Array.from({ length: count * width }, (_, k) => {
            const source = (targets as { values: Float32Array }).values;
            return source[rows[Math.floor(k / width)] * width + (k % width)];
          }),
          [count, width],
        );
    const xs = tf.tidy(() => tf.transpose(tf.tensor3d(x, [count, steps, channels]), [1, 0, 2]));
    return { x: xs, y, size: count };
  }

  async function* batches(batchOptions: BatchOptions): AsyncGenerator<TensorBatch> {
    checkBatchOptions(batchOptions);
    const { batchSize, keepLast = true, seed = 0, epoch = 0 } = batchOptions;
    const shuffle = batchOptions.shuffle ?? defaultShuffle;
    const order = shuffle
      ? seededPermutation(size, seed, epoch)
      : Int32Array.from({ length: size }, (_, i) => i);
    let current: TensorBatch | undefined;
    try {
      for (let start = 0; start < size; start += batchSize) {
        const rows = order.subarray(start, Math.min(start + batchSize, size));
        if (rows.length < batchSize && !keepLast) break;
        if (current) tf.dispose([current.x as tf.Tensor, current.y]);
        current = batch(rows);
        yield current;
      }
    } finally {
      if (current) tf.dispose([current.x as tf.Tensor, current.y]);
    }
  }

  return { size, steps, channels, values, targets, batches };
}

/** A generated task comes with its own training and test splits: a `validation` option is E_USAGE. */
export function refuseValidation(name: string, options: LoadDatasetOptions): void {
  if (options.validation !== undefined) {
    throw new PlasticityError(
      'E_USAGE',
      `${name} is generated with its own training and test splits; it takes no validation option`,
      { field: 'validation' },
    );
  }
}
