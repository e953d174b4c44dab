import type { StepMetrics, TaskSpec } from '@plasticity/core-tensors';
import type { WorkerError } from '@plasticity/core-tensors';
import type { WriteToken } from '../store/center-store.js';
import type { ExchangeOrder } from '../worker/elastic-client.js';

/**
 * Where a training thread finds the center: the SharedArrayBuffer of a `SharedMemoryStore`, or
 * the calling thread, asked by messages (`CenterCall`) when memory cannot be shared (a web page
 * without cross-origin isolation).
 */
export type CenterLink = SharedArrayBuffer | { readonly kind: 'messages'; readonly length: number };

/** What a training thread needs to build its own copy of the learner (plain data). */
export interface ThreadSetup {
  /** The rule's registry name; the thread script imports the rules it can build. */
  readonly rule: string;
  readonly config: unknown;
  readonly task: TaskSpec;
  readonly seed: number;
  /** 0-based index of this worker. */
  readonly worker: number;
  /** The validated EASGD settings (see `easgdConfigSchema`). */
  readonly easgd: unknown;
  /** The center, shared by every thread. */
  readonly center: CenterLink;
  /** The tfjs backend the thread trains on (one wasm thread each by default). */
  readonly backend: string;
  /** Where the thread's tfjs wasm binaries are served from (Web Workers on the wasm backend). */
  readonly wasmPaths?: string;
  /** Modules the thread imports before building (rule plugins that register themselves). */
  readonly modules: readonly string[];
  /** When the exchange happens relative to the local step (see `ExchangeOrder`). */
  readonly order: ExchangeOrder;
}

/** A training thread asks the calling thread to act on the center (`CenterLink` by messages). */
export type CenterCall = { readonly type: 'center'; readonly id: number } & (
  | { readonly op: 'init'; readonly values: Float32Array }
  | { readonly op: 'read' }
  | { readonly op: 'add'; readonly values: Float32Array; readonly token?: WriteToken }
);

/** The calling thread's answer to one `CenterCall` (same `id`). */
export type CenterAnswer =
  | {
      readonly type: 'center';
      readonly id: number;
      readonly ok: true;
      /** `read`: the center. */
      readonly values?: Float32Array;
      /** `init`: whether this call created the center. */
      readonly created?: boolean;
    }
  | { readonly type: 'center'; readonly id: number; readonly ok: false; readonly error: WorkerError };

/** Messages to a training thread. */
export type ThreadRequest =
  | {
      readonly type: 'step';
      readonly x: Float32Array;
      readonly shape: readonly number[];
      readonly y: Float32Array | Int32Array;
      readonly yShape: readonly number[];
      readonly yDtype: 'float32' | 'int32';
      /** The learning rate for this step (the trainer's schedule sets it per epoch). */
      readonly learningRate: number;
    }
  | { readonly type: 'reset' }
  /** Answered once the thread has built its learner and joined the center (or failed to). */
  | { readonly type: 'ready' }
  /** Asks for the thread's own parameters (flat, sorted names), e.g. to check conservation. */
  | { readonly type: 'params' }
  /** Synchronous EASGD: the thread's elastic difference from the center now (answered in `params`). */
  | { readonly type: 'round' }
  | CenterAnswer;

/** Replies from a training thread: one per request (center answers get none). */
export type ThreadReply =
  | { readonly ok: true; readonly metrics?: StepMetrics; readonly params?: Float32Array }
  | { readonly ok: false; readonly error: WorkerError };

/** Everything a training thread posts: replies, and center calls when the center is by messages. */
export type ThreadMessage = ThreadReply | CenterCall;

export function isCenterCall(message: ThreadMessage): message is CenterCall {
  return (message as { type?: unknown }).type === 'center';
}
