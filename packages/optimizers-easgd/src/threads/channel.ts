import type { NodeWorker } from '@plasticity/core-tensors';
import type { ThreadMessage, ThreadRequest } from './protocol.js';

/**
 * One training thread as the parallel learner drives it, whatever runs it: a Node worker thread
 * or a Web Worker. The learner's queueing, center and replies are the same for both.
 */
export interface ThreadChannel {
  post(message: ThreadRequest, transfer?: ArrayBuffer[]): void;
  /** Called once: every message the thread posts, and its failure (the thread is then gone). */
  listen(onMessage: (message: ThreadMessage) => void, onError: (error: Error) => void): void;
  /** Node: keep the process alive while replies are awaited (browsers have nothing to hold). */
  hold(held: boolean): void;
  terminate(): void;
}

/** A Node worker thread (started unreferenced by `startNodeWorkers`). */
export function nodeThreadChannel(worker: NodeWorker): ThreadChannel {
  return {
    post: (message, transfer = []) => worker.postMessage(message, transfer),
    listen(onMessage, onError) {
      const next = (message: ThreadMessage) => {
        worker.once('message', next);
        onMessage(message);
      };
      worker.once('message', next);
      worker.once('error', onError);
    },
    hold: (held) => (held ? worker.ref() : worker.unref()),
    terminate: () => void worker.terminate(),
  };
}

/** The part of a browser's `Worker` used here (the DOM types are not assumed). */
export interface WebWorkerLike {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  addEventListener(type: 'error', listener: (event: { readonly message?: string }) => void): void;
  terminate(): void;
}

/** A Web Worker whose script calls `runWebTrainingWorker`. */
export function webWorkerChannel(worker: WebWorkerLike): ThreadChannel {
  return {
    post: (message, transfer = []) => worker.postMessage(message, transfer),
    listen(onMessage, onError) {
      worker.addEventListener('message', (event) => onMessage(event.data as ThreadMessage));
      worker.addEventListener('error', (event) =>
        onError(new Error(event.message || 'the worker script failed to load or threw')),
      );
    },
    hold: () => {},
    terminate: () => worker.terminate(),
  };
}
