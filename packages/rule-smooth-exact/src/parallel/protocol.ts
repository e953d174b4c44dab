import type { WorkerError } from '@plasticity/core-tensors';
import type { ThetaNetworkSpec, ThetaParams } from '@plasticity/neurons';
import type { SliceObjective, SlicePart } from '../batch.js';
import type { PackedTrains } from '../input.js';

/** What a worker thread starts with: its network, and buffers shared with the main thread. */
export interface WorkerInit {
  readonly spec: ThetaNetworkSpec;
  readonly objective: SliceObjective;
  /** The parameters over SharedArrayBuffers, written by the main thread before each job. */
  readonly params: ThetaParams;
  /** This worker's own gradient buffers (shared), zeroed by the worker per training job. */
  readonly grads: ThetaParams;
}

/** A slice of a batch: scores only (no labels), or the loss too, and with `train` the gradient. */
export interface WorkerJob {
  readonly input: PackedTrains;
  readonly labels?: Int32Array;
  readonly train: boolean;
  readonly batchSize: number;
}

export type WorkerReply =
  { readonly ok: true; readonly part: SlicePart } | { readonly ok: false; readonly error: WorkerError };
