import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '@plasticity/core-tensors';
import type { BatchOptions, DataSplit, TensorBatch } from '@plasticity/core-tensors';
import { arraySplit } from '../batching/array-split.js';

/** A split of time series held in memory; batches are time-major `x [steps, B, channels]`. */
export interface SequenceSplit extends DataSplit<TensorBatch> {
  readonly steps: number;
  readonly channels: number;
  /** `[size, steps, channels]` row-major. */
  readonly values: Float32Array;
  readonly labels: Int32Array;
}

/**
 * Wraps `values [size, steps, channels]` and one label per series as a split whose batches are
 * `x [steps, B, channels]` float32 (what time-stepped rules read) and `y [B]` int32, shuffled as
 * `arraySplit` shuffles. The iterator owns each batch's tensors, as `arraySplit`'s does.
 */
export function sequenceSplit(
  values: Float32Array,
  steps: number,
  channels: number,
  labels: Int32Array,
  options: { readonly shuffle?: boolean } = {},
): SequenceSplit {
  if (!(Number.isInteger(steps) && steps >= 1 && Number.isInteger(channels) && channels >= 1)) {
    throw new PlasticityError(
      'E_SHAPE',
      `steps and channels must be whole numbers ≥ 1, got ${steps}, ${channels}`,
    );
  }
  const rows = arraySplit(values, [steps, channels], labels, options);
  async function* batches(batchOptions: BatchOptions): AsyncGenerator<TensorBatch> {
    let current: tf.Tensor | undefined;
    try {
      for await (const batch of rows.batches(batchOptions)) {
        current?.dispose();
        current = tf.transpose(batch.x, [1, 0, 2]);
        yield { x: current, y: batch.y, size: batch.size };
      }
    } finally {
      current?.dispose();
    }
  }
  return { size: rows.size, steps, channels, values, labels, batches };
}
