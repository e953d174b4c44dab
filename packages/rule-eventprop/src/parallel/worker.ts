// Worker-thread entry: simulates slices of batches for `EngineThreads` (Node only).
import { parentPort, workerData } from 'node:worker_threads';
import { toWorkerError } from '@plasticity/core-tensors';
import { EventPropNetwork, packedSamples, runSamples, scoreSamples } from '@plasticity/neurons';
import { denseSamples } from '../inputs.js';
import type { WorkerInit, WorkerJob, WorkerReply } from './protocol.js';

const init = workerData as WorkerInit;
const network = new EventPropNetwork(init.spec, init.weights);
const grads = init.grads as Record<string, Float64Array>;

function samplesOf(job: WorkerJob) {
  if (!('dense' in job)) return packedSamples(job.offsets, job.times, job.units);
  const coding = init.coding;
  if (coding?.kind !== 'dense') throw new Error('eventprop worker: a dense job without a dense coding');
  return denseSamples(job.dense, job.dense.length / coding.features, coding);
}

function run(job: WorkerJob): WorkerReply {
  const samples = samplesOf(job);
  const count = samples.size;
  const scores = new Float32Array(count * init.spec.outputs);
  const sample = (b: number) => samples.sample(b);
  if (job.labels === undefined) {
    scoreSamples(network, count, sample, scores);
    return { ok: true, scores };
  }
  if (job.train) for (const g of Object.values(grads)) g.fill(0);
  const part = runSamples(
    network,
    count,
    sample,
    job.labels,
    init.objective,
    job.batchSize,
    scores,
    job.train ? grads : undefined,
    job.firstIndex,
  );
  return { ok: true, scores, part };
}

parentPort?.on('message', (job: WorkerJob) => {
  let reply: WorkerReply;
  try {
    reply = run(job);
  } catch (error) {
    reply = { ok: false, error: toWorkerError(error) };
  }
  parentPort?.postMessage(reply);
});
