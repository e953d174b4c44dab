// Worker-thread entry: runs slices of batches for `SliceThreads` (Node only).
import { parentPort, workerData } from 'node:worker_threads';
import { toWorkerError } from '@plasticity/core-tensors';
import { ThetaNetwork } from '@plasticity/neurons';
import { runSlice } from '../batch.js';
import type { WorkerInit, WorkerJob, WorkerReply } from './protocol.js';

const init = workerData as WorkerInit;
const network = new ThetaNetwork(init.spec);

parentPort?.on('message', (job: WorkerJob) => {
  let reply: WorkerReply;
  try {
    if (job.train) [...init.grads.kernels, ...init.grads.phases].forEach((g) => g.fill(0));
    const grads = job.train ? init.grads : undefined;
    reply = {
      ok: true,
      part: runSlice(network, init.params, job.input, init.objective, job.labels, job.batchSize, grads),
    };
  } catch (error) {
    reply = { ok: false, error: toWorkerError(error) };
  }
  parentPort?.postMessage(reply);
});
