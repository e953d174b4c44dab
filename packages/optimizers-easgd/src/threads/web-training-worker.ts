import type { Learner } from '@plasticity/core-tensors';
import type { ThreadMessage, ThreadRequest, ThreadSetup } from './protocol.js';
import { runTrainingThread } from './training-thread.js';
import type { ThreadPort } from './training-thread.js';
import type { WebWorkerSetupMessage } from './web-worker-learner.js';

/** The part of a Web Worker's global scope used here (the WebWorker types are not assumed). */
export interface WorkerScopeLike {
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
}

/**
 * The body of a training Web Worker for `createWebWorkerLearner`: call it at the top of the
 * worker script with a function that builds the learner for a setup (the script imports the
 * rules it can build). It waits for the setup message, then runs `runTrainingThread`.
 */
export function runWebTrainingWorker(
  build: (setup: ThreadSetup) => Learner | Promise<Learner>,
  scope: WorkerScopeLike = globalThis as unknown as WorkerScopeLike,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const listeners: ((request: ThreadRequest) => void)[] = [];
    // Requests that come before the thread listens (none today: it listens as it starts).
    const early: ThreadRequest[] = [];
    const port: ThreadPort = {
      on(_event, listener) {
        listeners.push(listener);
        for (const request of early.splice(0)) listener(request);
      },
      postMessage: (message: ThreadMessage, transfer = []) => scope.postMessage(message, transfer),
    };
    let started = false;
    scope.addEventListener('message', (event) => {
      const data = event.data as WebWorkerSetupMessage | ThreadRequest;
      if (!started && 'type' in data && data.type === 'setup') {
        started = true;
        runTrainingThread(port, data.setup, build).then(resolve, reject);
        return;
      }
      const request = data as ThreadRequest;
      if (listeners.length === 0) early.push(request);
      for (const listener of listeners) listener(request);
    });
  });
}
