import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError, createRng, binEvents } from '@plasticity/core-tensors';
import type { Batch, BatchOptions, BinOptions, DataSplit, EventBatch } from '@plasticity/core-tensors';
import { seededPermutation } from '../batching/permutation.js';
import { selectSamples } from './select.js';
import { randomShift } from './shift.js';
import { checkBatchOptions } from '../batching/batch-options.js';

export interface EventSplitOptions {
  /** Whether `batches()` shuffles when the caller does not say (default true; false for test splits). */
  readonly shuffle?: boolean;
  /**
   * Random-shift augmentation: each drawn sample's units move by a random integer in
   * `±randomShift`, out-of-range events dropped (default 0 = off). Drawn from
   * `createRng(seed).fork(epoch).fork('shift')`, so an epoch's augmentation is reproducible.
   */
  readonly randomShift?: number;
  /** Yield `[T, B, channels]` spike tensors binned with these options instead of event batches. */
  readonly binned?: BinOptions;
}

/** A split of event-list samples held in memory; batches are cut on demand. */
export interface EventSplit extends DataSplit {
  /** Every sample, packed (times in ms). */
  readonly events: EventBatch;
  readonly labels: Int32Array;
  readonly options: EventSplitOptions;
  /** A new split of the samples at `indices` (copied, in that order); `options` default to this split's. */
  subset(indices: ArrayLike<number>, options?: EventSplitOptions): EventSplit;
}

/**
 * Wraps packed event samples and labels as a {@link DataSplit}. Each `batches(options)` call is
 * one epoch: samples in the permutation `createRng(seed).fork(epoch)` (as `arraySplit`), cut into
 * `EventBatch` `x` (or binned `[T, B, channels]` tensors) and int32 `y` `[B]`.
 *
 * Ownership: the iterator owns each batch's tensors and disposes them when it advances and when
 * the loop ends; event batches are plain arrays, fresh per batch.
 */
export function eventSplit(
  events: EventBatch,
  labels: Int32Array,
  options: EventSplitOptions = {},
): EventSplit {
  if (labels.length !== events.size) {
    throw new PlasticityError('E_SHAPE', `${events.size} event samples but ${labels.length} labels`);
  }
  const { randomShift: maxShift = 0, binned } = options;
  if (!(Number.isInteger(maxShift) && maxShift >= 0)) {
    throw new PlasticityError('E_CONFIG', `randomShift must be a whole number ≥ 0, got ${maxShift}`, {
      field: 'randomShift',
    });
  }
  const size = events.size;

  async function* batches(batchOptions: BatchOptions): AsyncGenerator<Batch> {
    checkBatchOptions(batchOptions);
    const { batchSize, keepLast = true, seed = 0, epoch = 0 } = batchOptions;
    const shuffle = batchOptions.shuffle ?? options.shuffle ?? true;
    const order = shuffle ? seededPermutation(size, seed, epoch) : undefined;
    const shiftRng = createRng(seed).fork(epoch).fork('shift');
    const owned: tf.Tensor[] = [];
    try {
      for (let start = 0; start < size; start += batchSize) {
        const count = Math.min(batchSize, size - start);
        if (count < batchSize && !keepLast) break;
        const rows = Int32Array.from({ length: count }, (_, i) =>
          order === undefined ? start + i : order[start + i],
        );
        let x: EventBatch = selectSamples(events, rows);
        if (maxShift > 0) x = randomShift(x, maxShift, shiftRng).batch;
        tf.dispose(owned.splice(0));
        const y = tf.tensor1d(
          Int32Array.from(rows, (row) => labels[row]),
          'int32',
        );
        owned.push(y);
        if (binned === undefined) {
          yield { x, y, size: count };
        } else {
          const dense = binEvents(x, binned);
          owned.push(dense);
          yield { x: dense, y, size: count };
        }
      }
    } finally {
      tf.dispose(owned);
    }
  }

  function subset(indices: ArrayLike<number>, subsetOptions: EventSplitOptions = options): EventSplit {
    return eventSplit(
      selectSamples(events, indices),
      Int32Array.from(indices, (i) => labels[i]),
      subsetOptions,
    );
  }

  return { size, events, labels, options, batches, subset };
}
