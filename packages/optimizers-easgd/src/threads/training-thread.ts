import * as tf from '@tensorflow/tfjs-core';
import { initBackend, toWorkerError } from '@plasticity/core-tensors';
import type { BackendName, Learner } from '@plasticity/core-tensors';
import { parseEasgdConfig } from '../config.js';
import { SharedMemoryStore } from '../store/shared-memory-store.js';
import { ElasticWorker } from '../worker/elastic-worker.js';
import { writeParams } from '../worker/flat-params.js';
import type { ThreadReply, ThreadRequest, ThreadSetup } from './protocol.js';

/** The part of a worker thread's `parentPort` used here (Node's type is not imported). */
export interface ThreadPort {
  on(event: 'message', listener: (request: ThreadRequest) => void): void;
  postMessage(reply: ThreadReply): void;
}

/**
 * The body of one training thread: builds its own learner with `build` (the thread script
 * imports the rules), attaches the shared center and answers `step` and `reset` requests one at
 * a time. Each step is one local `trainStep` with the elastic exchange every
 * τ steps (see `ElasticWorker`). A failure is posted back as data; the thread stays up.
 */
export async function runTrainingThread(
  port: ThreadPort,
  setup: ThreadSetup,
  build: (setup: ThreadSetup) => Learner | Promise<Learner>,
): Promise<void> {
  let worker: ElasticWorker | undefined;
  let startError: unknown;
  try {
    await initBackend(setup.backend as BackendName);
    const learner = await build(setup);
    worker = new ElasticWorker({
      learner,
      store: SharedMemoryStore.fromBuffer(setup.center),
      config: parseEasgdConfig(setup.easgd).config,
      workerId: `thread-${setup.worker}`,
      order: setup.order,
    });
    await worker.join();
  } catch (error) {
    startError = error;
  }
  let queue = Promise.resolve();
  port.on('message', (request) => {
    // One request at a time, in order (the main thread waits for each reply anyway).
    queue = queue.then(async () => port.postMessage(await answer(request)));
  });

  async function answer(request: ThreadRequest): Promise<ThreadReply> {
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
        case 'reset':
          writeParams(worker.learner.params, await worker.client.store.read());
          return { ok: true };
      }
    } catch (error) {
      return { ok: false, error: toWorkerError(error) };
    }
  }
}
