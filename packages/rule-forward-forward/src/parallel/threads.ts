import * as tf from '@tensorflow/tfjs-core';
import { fromWorkerError, requestWorker, startNodeWorkers, threadCount } from '@plasticity/core-tensors';
import type { Batch, NodeWorker, TaskSpec } from '@plasticity/core-tensors';
import type { ForwardForwardConfig } from '../config.js';
import type { FfNetwork, LocalGradients } from '../core.js';
import type { FfReplica } from '../replica.js';
import { layout, peerSlot, view } from './protocol.js';
import type { HostTensor, Slot, WorkerInit, WorkerMessage, WorkerReply } from './protocol.js';

/** The worker script beside this module (present once the package is built). */
export const DEFAULT_WORKER_URL: URL = new URL('./worker.js', import.meta.url);

interface Helper {
  readonly worker: NodeWorker;
  readonly grads: SharedArrayBuffer;
}

/** A step's result on the calling thread: gradients and peer statistics as tensors, metrics as numbers. */
export interface CombinedStep {
  readonly grads: LocalGradients;
  readonly peer: tf.Tensor1D[];
  readonly metrics: Record<string, number>;
}

/** Threads `'auto'` means: one per core on the CPU backends, else 1 (a GPU backend has its own parallelism). */
async function resolveThreads(threads: number | 'auto', backend: string): Promise<number> {
  if (threads === 'auto' && backend !== 'wasm' && backend !== 'cpu') return 1;
  return threadCount(threads);
}

const hostTensor = async (t: tf.Tensor): Promise<HostTensor> => ({
  shape: t.shape,
  values: (await t.data()) as Float32Array,
});

/**
 * Data-parallel Forward-Forward steps: tfjs' wasm backend runs on one core in Node, so the
 * batch is cut into one slice per thread; the calling thread computes the first, Node worker
 * threads the others. Each worker keeps a replica of the network and its optimisers: after a
 * step the calling thread publishes the combined gradients through shared memory, and every
 * replica takes the same optimiser step, so no weights travel. Slice gradients are averaged by
 * slice size, which is exactly the batch gradient of the per-layer losses; negatives are drawn
 * per slice, and peer normalisation's push uses each slice's running mean (its new running
 * mean is exact). Weights that change outside a step (a loaded state, an assignment) are sent
 * to the replicas before the next one.
 */
export class FfThreads {
  /** The variables' data ids after the last step this object saw applied, or undefined: resync. */
  private settled: unknown[] | undefined;

  private constructor(
    private readonly replica: FfReplica,
    private readonly helpers: readonly Helper[],
    private readonly update: SharedArrayBuffer,
    private readonly slots: readonly Slot[],
  ) {}

  /**
   * Starts `threads − 1` workers. Resolves to undefined when one thread would run, or threads
   * cannot run here: outside Node, without SharedArrayBuffer, on a GPU backend under `'auto'`,
   * or without the built worker script (running from TypeScript sources).
   */
  static async start(
    replica: FfReplica,
    config: ForwardForwardConfig,
    task: TaskSpec,
    seed: number,
    workerUrl: URL = DEFAULT_WORKER_URL,
  ): Promise<FfThreads | undefined> {
    const backend = tf.getBackend();
    const count = await resolveThreads(config.threads, backend);
    if (count <= 1 || typeof SharedArrayBuffer !== 'function') return undefined;
    const { variables, peerMeans } = replica.network;
    const trainable = Object.keys(variables).filter((n) => variables[n].trainable);
    const { slots, length } = layout(
      Object.fromEntries([
        ...trainable.map((n) => [n, variables[n].shape]),
        ...peerMeans.map((mean, l) => [peerSlot(l), mean.shape]),
      ]),
    );
    const gradLength = slots.filter((s) => !s.name.startsWith('peer.')).reduce((n, s) => n + s.size, 0);
    const update = new SharedArrayBuffer(length * 4);
    const grads = Array.from({ length: count - 1 }, () => new SharedArrayBuffer(gradLength * 4));
    const workers = await startNodeWorkers(workerUrl, count - 1, (k): WorkerInit => ({
      config,
      task,
      seed,
      backend,
      grads: grads[k],
      update,
      slots,
    }));
    if (workers === undefined) return undefined;
    const helpers = workers.map((worker, k) => ({ worker, grads: grads[k] }));
    return new FfThreads(replica, helpers, update, slots);
  }

  /** Threads a batch is spread over (the calling one included). */
  get threads(): number {
    return this.helpers.length + 1;
  }

  /** The replicas take the calling thread's weights and optimiser state before the next step. */
  invalidate(): void {
    this.settled = undefined;
  }

  /** Records that the calling thread applied the published step: the replicas now agree with it. */
  settle(): void {
    this.settled = Object.values(this.replica.network.variables).map((v) => v.dataId);
  }

  /** One step over all threads: slice gradients averaged by slice size, metrics likewise. */
  async step(batch: Batch, seeds: readonly number[]): Promise<CombinedStep> {
    const network = this.replica.network;
    const size = batch.size;
    const features = network.spec.features;
    const [xs, ys] = await Promise.all([
      batch.x instanceof tf.Tensor ? batch.x.data() : undefined,
      batch.y.data(),
    ]);
    if (xs === undefined || xs.length !== size * features) {
      // Let the single-thread step raise the shape error with its message.
      return hostStep(network, batch, seeds);
    }
    if (!this.inSync()) await this.sync();
    // Until this step is settled, a failure anywhere leaves the replicas to be resynced.
    this.settled = undefined;
    const bound = (k: number) => Math.round((k * size) / this.threads);
    const replies = this.helpers.map((helper, k) => {
      const [from, to] = [bound(k + 1), bound(k + 2)];
      if (to <= from) return undefined;
      const job: WorkerMessage = {
        kind: 'job',
        x: Float32Array.from(xs.subarray(from * features, to * features)),
        y: Int32Array.from(ys.subarray(from, to)),
        size: to - from,
        seeds: seeds.map((s, i) => (s + (k + 1) * (i === 0 ? 7919 : 104729)) % 2 ** 31),
      };
      const transfer = [job.x.buffer, job.y.buffer] as ArrayBuffer[];
      const reply = requestWorker<WorkerReply>(helper.worker, job, transfer, 'forward-forward');
      return { size: to - from, grads: helper.grads, reply };
    });
    const own = bound(1);
    let mine: CombinedStep | undefined;
    let failure: unknown;
    try {
      const x = tf.tensor2d(xs.subarray(0, own * features) as Float32Array, [own, features]);
      const y = tf.tensor1d(ys.subarray(0, own) as Int32Array, 'int32');
      try {
        mine = await hostStep(network, { x, y, size: own }, seeds);
      } finally {
        tf.dispose([x, y]);
      }
    } catch (error) {
      failure = error;
    }
    // Every reply is awaited, even after a failure, so no worker is left mid-job.
    const settled = await Promise.allSettled(replies.map((r) => r?.reply));
    try {
      if (failure !== undefined) throw failure;
      for (const result of settled) {
        if (result.status === 'rejected') throw result.reason;
        const reply = result.value;
        if (reply !== undefined && !reply.ok) throw fromWorkerError(reply.error);
      }
      return tf.tidy(() => {
        const weight = own / size;
        const metrics: Record<string, number> = {};
        for (const [name, value] of Object.entries(mine!.metrics)) metrics[name] = value * weight;
        const scale = (t: tf.Tensor) => tf.mul(t, weight);
        let layers = mine!.grads.layers.map((g) => mapValues(g, scale));
        let readout = mapValues(mine!.grads.readout, scale);
        let peer = mine!.peer.map((p) => scale(p) as tf.Tensor1D);
        settled.forEach((result, k) => {
          const reply = (result as PromiseFulfilledResult<WorkerReply | undefined>).value;
          if (reply === undefined || !reply.ok || !('peer' in reply)) return;
          const share = replies[k]!.size / size;
          const incoming = (slot: Slot) =>
            tf.mul(tf.tensor(view(replies[k]!.grads, slot), slot.shape as number[]), share);
          const add = (map: Record<string, tf.Tensor>) =>
            mapValues(map, (t, name) => tf.add(t, incoming(this.slot(name))));
          layers = layers.map(add);
          readout = add(readout);
          peer = peer.map((p, l) => tf.add(p, tf.mul(tf.tensor1d(reply.peer[l]), share)) as tf.Tensor1D);
          for (const [name, value] of Object.entries(reply.metrics)) metrics[name] += value * share;
        });
        return { grads: { layers, readout }, peer, metrics } as unknown as tf.TensorContainer;
      }) as unknown as CombinedStep;
    } finally {
      if (mine) tf.dispose([mine.grads as unknown as tf.TensorContainer, mine.peer]);
    }
  }

  /**
   * Hands a combined step to every replica: its gradients and peer means to shared memory, and
   * an `apply` at `learningRates` to each worker. The calling thread applies it itself, then
   * calls `settle`.
   */
  async publish(step: CombinedStep, learningRates: readonly number[]): Promise<void> {
    const grads = Object.assign({}, ...step.grads.layers, step.grads.readout) as Record<string, tf.Tensor>;
    const source = (slot: Slot) =>
      slot.name.startsWith('peer.') ? step.peer[Number(slot.name.slice(5))] : grads[slot.name];
    const values = await Promise.all(this.slots.map((slot) => source(slot).data()));
    this.slots.forEach((slot, i) => view(this.update, slot).set(values[i] as Float32Array));
    const message: WorkerMessage = { kind: 'apply', learningRates };
    for (const helper of this.helpers) helper.worker.postMessage(message);
  }

  /** Each worker replica's variables (the calling thread's are the learner's own). */
  async replicaWeights(): Promise<Record<string, Float32Array>[]> {
    const message: WorkerMessage = { kind: 'weights' };
    const replies = await Promise.all(
      this.helpers.map((h) => requestWorker<WorkerReply>(h.worker, message, [], 'forward-forward')),
    );
    return replies.map((reply) => {
      if (!reply.ok) throw fromWorkerError(reply.error);
      if (!('weights' in reply)) throw new Error('forward-forward: a worker answered weights with a step');
      return reply.weights;
    });
  }

  /** Stops the workers. */
  async dispose(): Promise<void> {
    await Promise.all(this.helpers.map((h) => h.worker.terminate()));
  }

  private slot(name: string): Slot {
    return this.slots.find((s) => s.name === name)!;
  }

  private inSync(): boolean {
    const settled = this.settled;
    if (settled === undefined) return false;
    return Object.values(this.replica.network.variables).every((v, i) => v.dataId === settled[i]);
  }

  /** Sends the calling thread's weights and optimiser state to every replica. */
  private async sync(): Promise<void> {
    const params: Record<string, HostTensor> = {};
    for (const [name, v] of Object.entries(this.replica.network.variables))
      params[name] = await hostTensor(v);
    const saved = await this.replica.saveState();
    const state: Record<string, HostTensor> = {};
    try {
      for (const [key, t] of Object.entries(saved)) {
        const values = tf.cast(t, 'float32');
        try {
          state[key] = await hostTensor(values);
        } finally {
          values.dispose();
        }
      }
    } finally {
      tf.dispose(Object.values(saved));
    }
    const message: WorkerMessage = { kind: 'sync', params, state };
    for (const helper of this.helpers) helper.worker.postMessage(message);
  }
}

function mapValues(
  map: Readonly<Record<string, tf.Tensor>>,
  f: (t: tf.Tensor, name: string) => tf.Tensor,
): Record<string, tf.Tensor> {
  return Object.fromEntries(Object.entries(map).map(([name, t]) => [name, f(t, name)]));
}

/** One step on the calling thread, metrics downloaded. */
export async function hostStep(
  network: FfNetwork,
  batch: Batch,
  seeds: readonly number[],
): Promise<CombinedStep> {
  const step = network.step(batch, seeds);
  try {
    const names = Object.keys(step.metrics);
    const packed = tf.tidy(() => tf.stack(names.map((n) => step.metrics[n])));
    const values = await packed.data();
    packed.dispose();
    const metrics: Record<string, number> = {};
    names.forEach((name, i) => (metrics[name] = values[i]));
    return { grads: step.grads, peer: step.peer, metrics };
  } finally {
    tf.dispose(Object.values(step.metrics));
  }
}
