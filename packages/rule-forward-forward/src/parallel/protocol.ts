import type { TaskSpec, WorkerError } from '@plasticity/core-tensors';
import type { ForwardForwardConfig } from '../config.js';

/** Where one tensor lives in a shared buffer (float32 elements). */
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
  /** This worker's gradients of its slice, read by the calling thread after each job. */
  readonly grads: SharedArrayBuffer;
  /** The batch's combined gradients and peer means, written by the calling thread before `apply`. */
  readonly update: SharedArrayBuffer;
  /** Trainable variables by name, then `peer.<l>`: the layout of `grads` (without peers) and `update`. */
  readonly slots: readonly Slot[];
}

/** A tensor as plain data. */
export interface HostTensor {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/**
 * Messages to a worker, handled in order. Only `job` is answered; a failure in `sync` or
 * `apply` is reported with the next job's reply.
 */
export type WorkerMessage =
  /** Replace the replica's weights and optimiser state with the calling thread's. */
  | {
      readonly kind: 'sync';
      readonly params: Record<string, HostTensor>;
      readonly state: Record<string, HostTensor>;
    }
  /** Gradients of one slice of a batch into `grads`. */
  | {
      readonly kind: 'job';
      readonly x: Float32Array;
      readonly y: Int32Array;
      readonly size: number;
      readonly seeds: readonly number[];
    }
  /** One optimiser step down the gradients in `update`, at these learning rates. */
  | { readonly kind: 'apply'; readonly learningRates: readonly number[] }
  /** Reply with the replica's variables (for checks that replicas agree). */
  | { readonly kind: 'weights' };

export type WorkerReply =
  | {
      readonly ok: true;
      readonly metrics: Record<string, number>;
      /** New running mean activity per layer. */
      readonly peer: Float32Array[];
    }
  | { readonly ok: true; readonly weights: Record<string, Float32Array> }
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

/** The key of layer `l`'s peer means in the `update` layout. */
export const peerSlot = (l: number): string => `peer.${l}`;
