import { PlasticityError } from '@plasticity/core-tensors';
import { flattenParams } from '../worker/flat-params.js';
import { webWorkerChannel } from './channel.js';
import type { WebWorkerLike } from './channel.js';
import { createCenter, parallelLearner } from './parallel-learner.js';
import type { ThreadedLearner } from './parallel-learner.js';
import type { ThreadSetup } from './protocol.js';
import { localWorker, threadSetup, threadsNeeded } from './threaded-learner.js';
import type { ParallelLearnerOptions } from './threaded-learner.js';

export interface WebWorkerLearnerOptions extends ParallelLearnerOptions {
  /**
   * Starts worker `index`: `() => new Worker(new URL('./train-worker.js', import.meta.url), {
   * type: 'module' })`, a script that calls `runWebTrainingWorker` with the rules it can build.
   */
  readonly worker: (index: number) => WebWorkerLike;
  /** tfjs backend of the workers (default 'wasm'; 'cpu' needs no binaries). */
  readonly backend?: string;
  /** Where the workers' tfjs wasm binaries are served from (a URL prefix ending in `/`). */
  readonly wasmPaths?: string;
  /**
   * `auto` (default): `shared` when the page is cross-origin isolated (SharedArrayBuffer is
   * available), else `messages`: the center stays on the page and the workers read and add to it
   * by messages.
   */
  readonly centerStore?: 'auto' | 'shared' | 'messages';
}

/** Whether this page may share memory with its workers (served with COOP and COEP headers). */
export function canShareMemory(): boolean {
  const scope = globalThis as { crossOriginIsolated?: boolean };
  return typeof SharedArrayBuffer === 'function' && scope.crossOriginIsolated !== false;
}

/**
 * Data-parallel training in a web page: `easgd.workers` Web Workers, each with its own tfjs engine
 * and its own copy of the learner, exchange elastically with a center every τ local steps. The
 * same learner as `createThreadedLearner` (the same queueing, protocol and worker code), with the
 * center in a SharedArrayBuffer when the page is cross-origin isolated, and otherwise on the
 * page, asked by messages (static hosts usually cannot send the COOP/COEP headers isolation
 * needs). Train it with `fit` like any learner; `predict` and `flush()` see the center.
 */
export async function createWebWorkerLearner(options: WebWorkerLearnerOptions): Promise<ThreadedLearner> {
  const wanted = options.centerStore ?? 'auto';
  const centerStore = wanted === 'auto' ? (canShareMemory() ? 'shared' : 'messages') : wanted;
  if (centerStore === 'shared' && !canShareMemory()) {
    throw new PlasticityError(
      'E_USAGE',
      'createWebWorkerLearner: centerStore "shared" needs a cross-origin isolated page ' +
        '(Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp); ' +
        'use "auto" or "messages"',
      { field: 'centerStore' },
    );
  }
  const { store, link } = await createCenter(centerStore, await flattenParams(options.center.params));
  const setup = threadSetup({ ...options, backend: options.backend ?? 'wasm' }, link, []);
  const local = await localWorker(options, store);
  const channels = Array.from({ length: threadsNeeded(options) }, (_, index) => {
    const worker = options.worker(index);
    const message: WebWorkerSetupMessage = { type: 'setup', setup: setup(index) };
    worker.postMessage(message, []);
    return webWorkerChannel(worker);
  });
  return parallelLearner({
    center: options.center,
    store,
    centerStore,
    channels,
    ...(local ? { local } : {}),
    ...(options.easgd.synchronous ? { synchronousTau: options.easgd.tau } : {}),
  });
}

/** The first message a training Web Worker gets: its `ThreadSetup` (Node passes it as workerData). */
export interface WebWorkerSetupMessage {
  readonly type: 'setup';
  readonly setup: ThreadSetup;
}
