import type { StepMetrics, TaskSpec } from '@plasticity/core-tensors';
import type { WorkerError } from '@plasticity/core-tensors';
import type { ExchangeOrder } from '../worker/elastic-client.js';

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
  readonly center: SharedArrayBuffer;
  /** The tfjs backend the thread trains on (one wasm thread each by default). */
  readonly backend: string;
  /** Modules the thread imports before building (rule plugins that register themselves). */
  readonly modules: readonly string[];
  /** When the exchange happens relative to the local step (see `ExchangeOrder`). */
  readonly order: ExchangeOrder;
}

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
  | { readonly type: 'reset' };

/** Replies from a training thread: one per request. */
export type ThreadReply =
  { readonly ok: true; readonly metrics?: StepMetrics } | { readonly ok: false; readonly error: WorkerError };
