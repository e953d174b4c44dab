import type { Tensor } from '@tensorflow/tfjs-core';

/** What one sample's input looks like. Datasets produce it; rules read it in `create`. */
export type InputSpec =
  /** Dense features, `shape` per sample (e.g. `[4]` for Yin-Yang, `[784]` for flat MNIST). */
  | { readonly kind: 'dense'; readonly shape: readonly number[] }
  /** Time-stepped spike trains, batched time-major as `[steps, batch, channels]`. */
  | { readonly kind: 'spikes'; readonly steps: number; readonly channels: number; readonly dt: number }
  /** Event lists (spike times in ms and channel ids per sample). */
  | { readonly kind: 'events'; readonly channels: number; readonly duration: number };

/** The learning problem a rule is created for. */
export interface TaskSpec {
  readonly input: InputSpec;
  /** Number of classes (classification) or output dimensions (regression). */
  readonly outputs: number;
  readonly kind: 'classification' | 'regression';
}

/**
 * One mini-batch. For classification `y` holds int32 class labels `[B]`.
 * `x` is `[B, ...shape]` for dense input and `[T, B, N]` for spikes.
 * The producer owns the tensors; consumers must not dispose them.
 */
export interface Batch {
  readonly x: Tensor;
  readonly y: Tensor;
  readonly size: number;
}

/** Options for drawing batches from a split. */
export interface BatchOptions {
  readonly batchSize: number;
  /** Shuffle with a seeded permutation (default true for training). */
  readonly shuffle?: boolean;
  readonly seed?: number;
  /** Epoch index: mixed into the shuffle seed so each epoch has its own, reproducible order. */
  readonly epoch?: number;
  /** Keep a last batch smaller than `batchSize` (default true). */
  readonly keepLast?: boolean;
}

/** A finite, re-iterable source of batches (one epoch per `batches` call). */
export interface DataSplit {
  readonly size: number;
  batches(options: BatchOptions): AsyncIterable<Batch>;
}
