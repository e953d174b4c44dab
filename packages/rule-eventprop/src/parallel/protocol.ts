import type { WorkerError } from '@plasticity/core-tensors';
import type { HostSamples, NetworkSpec, ObjectiveOptions, PartialResult } from '@plasticity/neurons';
import type { InputCoding } from '../inputs.js';

/** What a worker thread starts with: its network, and buffers shared with the main thread. */
export interface WorkerInit {
  readonly spec: NetworkSpec;
  readonly objective: ObjectiveOptions;
  /** The weights, by name, over SharedArrayBuffers the main thread writes before each job. */
  readonly weights: Readonly<Record<string, Float64Array>>;
  /** This worker's own gradient buffers (shared), zeroed by the worker per job. */
  readonly grads: Readonly<Record<string, Float64Array>>;
  /** How dense features become spikes, for jobs that carry features. */
  readonly coding?: InputCoding;
}

/** A slice of dense features `[size, features]`, coded into spikes by the worker. */
export interface DenseSlice {
  readonly dense: Float32Array;
}

/** A slice of a batch, packed into transferable arrays (see `HostSamples`). */
export interface PackedSamples {
  readonly offsets: Int32Array;
  readonly times: Float32Array | Float64Array;
  readonly units: Int32Array;
}

/**
 * A job on a slice of a batch: class scores only (no `labels`), or scores and the loss, and with
 * `train` the slice's share of the gradient in the worker's buffers.
 */
export type WorkerJob = (PackedSamples | DenseSlice) & {
  readonly labels?: Float64Array;
  readonly train: boolean;
  readonly batchSize: number;
  /** Index of the slice's first sample in the batch (error messages). */
  readonly firstIndex: number;
};

/** A worker's answer: its slice's scores and partial result, or the error it stopped with. */
export type WorkerReply =
  | { readonly ok: true; readonly scores: Float32Array; readonly part?: PartialResult }
  | {
      readonly ok: false;
      readonly error: WorkerError;
    };

/** Copies samples `from … to − 1` into arrays of their own (to transfer to a worker). */
export function packSamples(samples: HostSamples, from: number, to: number): PackedSamples {
  const { offsets } = samples;
  const first = offsets[from];
  const last = offsets[to];
  return {
    offsets: Int32Array.from(offsets.subarray(from, to + 1), (o) => o - first),
    times: samples.times.slice(first, last),
    units: samples.units.slice(first, last),
  };
}
