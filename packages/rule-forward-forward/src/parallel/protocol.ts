import type { TaskSpec, WorkerError } from '@plasticity/core-tensors';
import type { ForwardForwardConfig } from '../config.js';

/** Where one variable lives in a shared buffer (float32 elements). */
export interface Slot {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
}

/** What a worker is started with (Node `workerData`). */
export interface WorkerInit {
  readonly config: ForwardForwardConfig;
  readonly task: TaskSpec;
  readonly seed: number;
  readonly backend: string;
  /** Every variable of the network (peer statistics included), written by the calling thread before each job. */
  readonly weights: SharedArrayBuffer;
  readonly weightSlots: readonly Slot[];
  /** This worker's gradients of the trainable variables, read by the calling thread after each job. */
  readonly grads: SharedArrayBuffer;
  readonly gradSlots: readonly Slot[];
}

/** One slice of a batch. */
export interface WorkerJob {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly size: number;
  readonly seeds: readonly number[];
}

export type WorkerReply =
  | {
      readonly ok: true;
      readonly metrics: Record<string, number>;
      /** New running mean activity per layer. */
      readonly peer: Float32Array[];
    }
  | { readonly ok: false; readonly error: WorkerError };

/** Lays `shapes` out back to back in one float32 buffer. */
export function layout(shapes: Readonly<Record<string, readonly number[]>>): {
  slots: Slot[];
  length: number;
} {
  let offset = 0;
  const slots = Object.entries(shapes).map(([name, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const slot = { name, shape, offset, size };
    offset += size;
    return slot;
  });
  return { slots, length: offset };
}

export const view = (buffer: SharedArrayBuffer, slot: Slot): Float32Array =>
  new Float32Array(buffer, slot.offset * 4, slot.size);
