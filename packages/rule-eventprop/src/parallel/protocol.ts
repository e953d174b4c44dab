import type { NetworkSpec } from '../engine/network.js';
import type { SpikeList } from '../engine/spike-buffer.js';
import type { HostSamples } from '../inputs.js';
import type { ObjectiveOptions, PartialResult } from '../objective.js';

/** What a worker thread starts with: its network, and buffers shared with the main thread. */
export interface WorkerInit {
  readonly spec: NetworkSpec;
  readonly objective: ObjectiveOptions;
  /** The weights, by name, over SharedArrayBuffers the main thread writes before each job. */
  readonly weights: Readonly<Record<string, Float64Array>>;
  /** This worker's own gradient buffers (shared), zeroed by the worker per job. */
  readonly grads: Readonly<Record<string, Float64Array>>;
}

/** A slice of a batch, packed into transferable arrays. */
export interface PackedSamples {
  readonly offsets: Int32Array;
  readonly times: Float64Array;
  readonly units: Int32Array;
}

/**
 * A job on a slice of a batch: class scores only (no `labels`), or scores and the loss, and with
 * `train` the slice's share of the gradient in the worker's buffers.
 */
export interface WorkerJob extends PackedSamples {
  readonly labels?: Float64Array;
  readonly train: boolean;
  readonly batchSize: number;
  /** Index of the slice's first sample in the batch (error messages). */
  readonly firstIndex: number;
}

/** A worker's answer: its slice's scores and partial result, or the error it stopped with. */
export type WorkerReply =
  | { readonly ok: true; readonly scores: Float32Array; readonly part?: PartialResult }
  | {
      readonly ok: false;
      readonly error: { readonly code?: string; readonly message: string; readonly details?: unknown };
    };

/** Copies samples `from … to − 1` into one packed block (times sorted per sample, as given). */
export function packSamples(samples: HostSamples, from: number, to: number): PackedSamples {
  const offsets = new Int32Array(to - from + 1);
  for (let b = from; b < to; b++) offsets[b - from + 1] = offsets[b - from] + samples.sample(b).count;
  const times = new Float64Array(offsets[to - from]);
  const units = new Int32Array(offsets[to - from]);
  for (let b = from; b < to; b++) {
    const { count, times: t, units: u } = samples.sample(b);
    const at = offsets[b - from];
    for (let k = 0; k < count; k++) {
      times[at + k] = t[k];
      units[at + k] = u[k];
    }
  }
  return { offsets, times, units };
}

/** Sample b of a packed block, as views. */
export function packedSample(packed: PackedSamples, b: number): SpikeList {
  const { offsets, times, units } = packed;
  return {
    count: offsets[b + 1] - offsets[b],
    times: times.subarray(offsets[b], offsets[b + 1]),
    units: units.subarray(offsets[b], offsets[b + 1]),
  };
}
