// A Forward-Forward worker thread: keeps a replica of the network and its optimisers (see
// FfThreads). Messages are handled one after another: `job` computes the gradients of a batch
// slice into shared memory and replies; `apply` steps the replica down the combined gradients
// the calling thread published; `sync` replaces the replica's weights and optimiser state.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, toWorkerError } from '@plasticity/core-tensors';
import type { BackendName, WorkerError } from '@plasticity/core-tensors';
import type { LocalGradients } from '../core.js';
import { createFfReplica } from '../replica.js';
import type { FfReplica } from '../replica.js';
import { peerSlot, view } from './protocol.js';
import type { WorkerInit, WorkerMessage, WorkerReply } from './protocol.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const slots = new Map(init.slots.map((slot) => [slot.name, slot]));
const ready = (async () => {
  await initBackend(init.backend as BackendName);
  return createFfReplica(init.config, init.task, init.seed);
})();
// A failed `sync` or `apply` (which have no reply) is reported with the next job's.
let failure: WorkerError | undefined;

const tensorAt = (buffer: SharedArrayBuffer, name: string): tf.Tensor => {
  const slot = slots.get(name)!;
  return tf.tensor(view(buffer, slot), slot.shape as number[]);
};

async function job(replica: FfReplica, message: WorkerMessage & { kind: 'job' }): Promise<WorkerReply> {
  const features = message.x.length / message.size;
  const x = tf.tensor2d(message.x, [message.size, features]);
  const y = tf.tensor1d(message.y, 'int32');
  const step = replica.network.step({ x, y, size: message.size }, message.seeds);
  try {
    const grads: Record<string, tf.Tensor> = Object.assign({}, ...step.grads.layers, step.grads.readout);
    for (const [name, t] of Object.entries(grads)) view(init.grads, slots.get(name)!).set(await t.data());
    const metrics: Record<string, number> = {};
    for (const [name, value] of Object.entries(step.metrics)) metrics[name] = (await value.data())[0];
    const peer = await Promise.all(step.peer.map(async (mean) => (await mean.data()) as Float32Array));
    return { ok: true, metrics, peer };
  } finally {
    tf.dispose([x, y, step as unknown as tf.TensorContainer]);
  }
}

function apply(replica: FfReplica, learningRates: readonly number[]): void {
  const { layers, readout, peerMeans } = replica.network;
  tf.tidy(() => {
    const grads: LocalGradients = {
      layers: layers.map((params) =>
        Object.fromEntries(Object.keys(params).map((name) => [name, tensorAt(init.update, name)])),
      ),
      readout: Object.fromEntries(Object.keys(readout).map((name) => [name, tensorAt(init.update, name)])),
    };
    replica.learningRates = learningRates;
    replica.apply(
      grads,
      peerMeans.map((_, l) => tensorAt(init.update, peerSlot(l))),
    );
  });
}

async function sync(replica: FfReplica, message: WorkerMessage & { kind: 'sync' }): Promise<void> {
  const { variables } = replica.network;
  tf.tidy(() => {
    for (const [name, { shape, values }] of Object.entries(message.params)) {
      variables[name].assign(tf.tensor(values, shape as number[]));
    }
  });
  const state = Object.fromEntries(
    Object.entries(message.state).map(([key, { shape, values }]) => [
      key,
      tf.tensor(values, shape as number[]),
    ]),
  );
  try {
    await replica.loadState(state);
  } finally {
    tf.dispose(Object.values(state));
  }
}

async function handle(message: WorkerMessage): Promise<void> {
  const replica = await ready.catch((error: unknown) => {
    failure ??= toWorkerError(error);
    return undefined;
  });
  if (message.kind === 'job' || message.kind === 'weights') {
    let reply: WorkerReply;
    if (failure !== undefined || replica === undefined) {
      reply = { ok: false, error: failure! };
      failure = undefined;
    } else if (message.kind === 'weights') {
      const weights: Record<string, Float32Array> = {};
      for (const [name, v] of Object.entries(replica.network.variables))
        weights[name] = (await v.data()) as Float32Array;
      reply = { ok: true, weights };
    } else {
      reply = await job(replica, message).catch((error: unknown) => ({
        ok: false as const,
        error: toWorkerError(error),
      }));
    }
    port.postMessage(reply);
    return;
  }
  if (replica === undefined || failure !== undefined) return;
  try {
    if (message.kind === 'apply') apply(replica, message.learningRates);
    else await sync(replica, message);
  } catch (error) {
    failure = toWorkerError(error);
  }
}

let queue: Promise<void> = Promise.resolve();
port.on('message', (message: WorkerMessage) => {
  queue = queue.then(() => handle(message));
});
