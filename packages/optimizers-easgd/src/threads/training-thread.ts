import * as tf from '@tensorflow/tfjs-core';
import { initBackend, toWorkerError } from '@plasticity/core-tensors';
import type { BackendName, Learner } from '@plasticity/core-tensors';
import { parseEasgdConfig } from '../config.js';
import { SharedMemoryStore } from '../store/shared-memory-store.js';
import { ElasticWorker } from '../worker/elastic-worker.js';
import { flattenParams } from '../worker/flat-params.js';
import { MessageCenterStore } from './center-messages.js';
import type { CenterLink, ThreadMessage, ThreadReply, ThreadRequest, ThreadSetup } from './protocol.js';

/**
 * The part of a thread's port used here: Node's `parentPort`, or a Web Worker's scope through
 * `runWebTrainingWorker` (neither type is imported).
 */
export interface ThreadPort {
  on(event: 'message', listener: (request: ThreadRequest) => void): void;
  postMessage(message: ThreadMessage, transfer?: ArrayBuffer[]): void;
}

/**
 * The body of one training thread (a Node worker thread or a Web Worker): builds its own learner
 * with `build` (the thread script imports the rules), attaches the center and answers `step`,
 * `reset` and `params` requests one at a time. Each step is one local `trainStep` with the
 * elastic exchange every τ steps (see `ElasticWorker`). A failure is posted back as data; the
 * thread stays up.
 */
export async function runTrainingThread(
  port: ThreadPort,
  setup: ThreadSetup,
  build: (setup: ThreadSetup) => Learner | Promise<Learner>,
): Promise<void> {
  const byMessages = messageStore(setup.center, port);
  let worker: ElasticWorker | undefined;
  let startError: unknown;
  const started = (async () => {
    try {
      await initBackend(setup.backend as BackendName, setup.wasmPaths ? { wasmPaths: setup.wasmPaths } : {});
      const learner = await build(setup);
      worker = new ElasticWorker({
        learner,
        store: byMessages ?? SharedMemoryStore.fromBuffer(setup.center as SharedArrayBuffer),
        config: parseEasgdConfig(setup.easgd).config,
        workerId: `thread-${setup.worker}`,
        order: setup.order,
      });
      await worker.join();
    } catch (error) {
      startError = error;
    }
  })();
  // Listening starts at once: joining already needs the answers to its center calls.
  let queue = started;
  port.on('message', (request) => {
    if (request.type === 'center') {
      byMessages?.settle(request);
      return;
    }
    // One request at a time, in order (replies are matched to requests by their order).
    queue = queue.then(async () => {
      const reply = await answer(request);
      port.postMessage(reply, reply.ok && reply.params ? [reply.params.buffer as ArrayBuffer] : []);
    });
  });
  await started;

  async function answer(request: Exclude<ThreadRequest, { type: 'center' }>): Promise<ThreadReply> {
    try {
      if (startError !== undefined || worker === undefined) throw startError;
      switch (request.type) {
        case 'step': {
          worker.learner.learningRate = request.learningRate;
          const x = tf.tensor(request.x, [...request.shape], 'float32');
          const y = tf.tensor(request.y, [...request.yShape], request.yDtype);
          try {
            return { ok: true, metrics: await worker.step({ x, y, size: request.shape[0] }) };
          } finally {
            tf.dispose([x, y]);
          }
        }
        case 'ready':
          return { ok: true };
        case 'reset':
          worker.restart(await worker.client.store.read());
          return { ok: true };
        case 'params':
          return { ok: true, params: await flattenParams(worker.learner.params) };
        case 'round':
          return { ok: true, params: await worker.roundDifference(await worker.client.store.read()) };
      }
    } catch (error) {
      return { ok: false, error: toWorkerError(error) };
    }
  }
}

function messageStore(center: CenterLink, port: ThreadPort): MessageCenterStore | undefined {
  if (typeof SharedArrayBuffer === 'function' && center instanceof SharedArrayBuffer) return undefined;
  const { length } = center as Exclude<CenterLink, SharedArrayBuffer>;
  return new MessageCenterStore(length, (call, transfer) => port.postMessage(call, transfer));
}
