import { PlasticityError, startNodeWorkers } from '@plasticity/core-tensors';
import type { Learner, TaskSpec } from '@plasticity/core-tensors';
import type { EasgdConfig } from '../config.js';
import type { ExchangeOrder } from '../worker/elastic-client.js';
import { ElasticWorker } from '../worker/elastic-worker.js';
import { flattenParams } from '../worker/flat-params.js';
import type { CenterStore } from '../store/center-store.js';
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
  /**
   * A second copy of the rule's learner, built like the threads' (same rule, config, task and
   * seed), that trains on the calling thread as worker 0 of `easgd.workers`: the other workers
   * run on `easgd.workers − 1` threads, and the calling thread trains whenever their queues are
   * full instead of waiting. On a machine with as many cores as workers this keeps every core on
   * one busy thread (the calling thread also cuts the batches). Disposed with the learner.
   */
  readonly localLearner?: Learner;
}

/** The calling thread's worker (`localLearner`), joined to the center. */
export async function localWorker(
  options: ParallelLearnerOptions,
  store: CenterStore,
): Promise<ElasticWorker | undefined> {
  if (options.localLearner === undefined) return undefined;
  const worker = new ElasticWorker({
    learner: options.localLearner,
    store,
    config: options.easgd,
    workerId: 'thread-0',
    order: options.order ?? 'author',
  });
  await worker.join();
  return worker;
}

/** How many threads the workers need (one fewer when the calling thread trains). */
export function threadsNeeded(options: ParallelLearnerOptions): number {
  return options.easgd.workers - (options.localLearner ? 1 : 0);
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
): (thread: number) => ThreadSetup {
  // Worker 0 is the calling thread's when it trains.
  const first = options.localLearner ? 1 : 0;
  return (thread) => ({
    rule: options.rule,
    config: options.config,
    task: options.task,
    seed: options.seed,
    worker: first + thread,
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
  const local = await localWorker(options, store);
  const started = await startNodeWorkers(options.script, threadsNeeded(options), setup);
  if (!started) {
    local?.learner.dispose();
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
    ...(local ? { local } : {}),
    ...(options.easgd.synchronous ? { synchronousTau: options.easgd.tau } : {}),
  });
}
