import { PlasticityError, startNodeWorkers } from '@plasticity/core-tensors';
import type { Learner, TaskSpec } from '@plasticity/core-tensors';
import type { EasgdConfig } from '../config.js';
import type { ExchangeOrder } from '../worker/elastic-client.js';
import { flattenParams } from '../worker/flat-params.js';
import { nodeThreadChannel } from './channel.js';
import { createCenter, parallelLearner } from './parallel-learner.js';
import type { ThreadedLearner } from './parallel-learner.js';
import type { CenterLink, ThreadSetup } from './protocol.js';

export type { ThreadedLearner } from './parallel-learner.js';

/** What both parallel learners (Node threads, Web Workers) are built from. */
export interface ParallelLearnerOptions {
  /**
   * The learner on the calling thread. Its `params` hold the center between exchanges: they start
   * it, and are refreshed from it before every `predict`, checkpoint and at `flush()`.
   */
  readonly center: Learner;
  readonly rule: string;
  readonly config: unknown;
  readonly task: TaskSpec;
  readonly seed: number;
  readonly easgd: EasgdConfig;
  /**
   * `author` (default) for rules whose step is a gradient step; `after-step` for rules with their
   * own update (the exchange then acts on the params between local steps).
   */
  readonly order?: ExchangeOrder;
}

export interface ThreadedLearnerOptions extends ParallelLearnerOptions {
  /** A worker script that calls `runTrainingThread` with the rules it can build. */
  readonly script: URL;
  /** tfjs backend of the training threads (default 'wasm'). */
  readonly backend?: string;
  /** Modules each thread imports first (rule plugins). */
  readonly modules?: readonly string[];
  /**
   * `shared` (default): the center in a SharedArrayBuffer. `messages`: the center on this thread,
   * which the threads ask by messages (what a web page without cross-origin isolation does).
   */
  readonly centerStore?: 'shared' | 'messages';
}

/** The plain data a training thread is started with. */
export function threadSetup(
  options: ParallelLearnerOptions & { readonly backend: string; readonly wasmPaths?: string },
  center: CenterLink,
  modules: readonly string[],
): (worker: number) => ThreadSetup {
  return (worker) => ({
    rule: options.rule,
    config: options.config,
    task: options.task,
    seed: options.seed,
    worker,
    easgd: options.easgd,
    center,
    backend: options.backend,
    ...(options.wasmPaths ? { wasmPaths: options.wasmPaths } : {}),
    modules,
    order: options.order ?? 'author',
  });
}

/**
 * Data-parallel training on the cores of one machine: `easgd.workers` Node worker threads, each
 * with its own tfjs engine and its own copy of the learner, exchange elastically with a center in
 * a SharedArrayBuffer every τ local steps. `trainStep(batch)` hands the batch to the next idle
 * thread (so consecutive batches — one shuffled epoch — are split between the threads) and
 * returns the metrics of the latest finished step; up to two steps per thread are in flight. Prediction,
 * checkpoints and `flush()` wait for them and read the center, so `fit`, `evaluate` and
 * checkpoints work unchanged and always see the center. `createWebWorkerLearner` is the same
 * learner on a web page's Web Workers.
 */
export async function createThreadedLearner(options: ThreadedLearnerOptions): Promise<ThreadedLearner> {
  const centerStore = options.centerStore ?? 'shared';
  const { store, link } = await createCenter(centerStore, await flattenParams(options.center.params));
  const setup = threadSetup({ ...options, backend: options.backend ?? 'wasm' }, link, options.modules ?? []);
  const started = await startNodeWorkers(options.script, options.easgd.workers, setup);
  if (!started) {
    throw new PlasticityError(
      'E_BACKEND',
      'parallel training needs Node worker threads and SharedArrayBuffer, which this runtime lacks',
    );
  }
  return parallelLearner({
    center: options.center,
    store,
    centerStore,
    channels: started.map(nodeThreadChannel),
  });
}
