// A Forward-Forward worker thread: holds a replica of the network, and for each job loads the
// current weights from shared memory, computes the local gradients of its batch slice and
// writes them back. Started by FfThreads.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, toWorkerError } from '@plasticity/core-tensors';
import type { BackendName } from '@plasticity/core-tensors';
import { createFfNetwork } from '../core.js';
import { view } from './protocol.js';
import type { WorkerInit, WorkerJob, WorkerReply } from './protocol.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const ready = (async () => {
  await initBackend(init.backend as BackendName);
  return createFfNetwork(init.config, init.task, init.seed);
})();

async function run(job: WorkerJob): Promise<WorkerReply> {
  const network = await ready;
  tf.tidy(() => {
    for (const slot of init.weightSlots) {
      network.variables[slot.name].assign(tf.tensor(view(init.weights, slot), slot.shape as number[]));
    }
  });
  const features = job.x.length / job.size;
  const x = tf.tensor2d(job.x, [job.size, features]);
  const y = tf.tensor1d(job.y, 'int32');
  const step = network.step({ x, y, size: job.size }, job.seeds);
  try {
    const grads: Record<string, tf.Tensor> = Object.assign({}, ...step.grads.layers, step.grads.readout);
    for (const slot of init.gradSlots) view(init.grads, slot).set(await grads[slot.name].data());
    const metrics: Record<string, number> = {};
    for (const [name, value] of Object.entries(step.metrics)) metrics[name] = (await value.data())[0];
    const peer = await Promise.all(step.peer.map(async (mean) => (await mean.data()) as Float32Array));
    return { ok: true, metrics, peer };
  } finally {
    tf.dispose([x, y, step as unknown as tf.TensorContainer]);
  }
}

port.on('message', (job: WorkerJob) => {
  run(job).then(
    (reply) => port.postMessage(reply),
    (error: unknown) => port.postMessage({ ok: false, error: toWorkerError(error) } satisfies WorkerReply),
  );
});
