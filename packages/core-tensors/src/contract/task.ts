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

/** One sample's spikes, sorted by time, then unit. Times in ms. */
export interface SpikeEvents {
  readonly times: Float32Array;
  readonly units: Int32Array;
}

/**
 * A batch of event-list samples, packed: sample `b`'s events are `offsets[b]` to
 * `offsets[b + 1] − 1` of `times`/`units`. Event data stays on the host: event-driven rules
 * (EventProp) read it directly, time-stepped ones bin it.
 */
export interface EventBatch {
  readonly kind: 'events';
  /** Samples in the batch. */
  readonly size: number;
  readonly channels: number;
  /** Window length in ms; every time is in `[0, duration)`. */
  readonly duration: number;
  /** Length `size + 1`, non-decreasing, `offsets[size] = times.length`. */
  readonly offsets: Int32Array;
  /** Spike times in ms, ascending within a sample (ties: ascending unit). */
  readonly times: Float32Array;
  /** Channel of each spike, `0 … channels − 1`. */
  readonly units: Int32Array;
}

/** What a batch's `x` holds: a tensor (dense features, `[T, B, N]` spikes) or event lists. */
export type BatchInput = Tensor | EventBatch;

/**
 * One mini-batch. For classification `y` holds int32 class labels `[B]`.
 * `x` is `[B, ...shape]` for dense input, `[T, B, N]` for spikes and an `EventBatch` for events.
 * The producer owns the tensors; consumers must not dispose them.
 */
export interface Batch {
  readonly x: BatchInput;
  readonly y: Tensor;
  readonly size: number;
}

/** A batch whose input is a tensor (dense features or `[T, B, N]` spikes). */
export interface TensorBatch extends Batch {
  readonly x: Tensor;
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
export interface DataSplit<B extends Batch = Batch> {
  readonly size: number;
  batches(options: BatchOptions): AsyncIterable<B>;
}
