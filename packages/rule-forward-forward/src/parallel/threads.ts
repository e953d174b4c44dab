import * as tf from '@tensorflow/tfjs-core';
import { fromWorkerError, requestWorker, startNodeWorkers, threadCount } from '@plasticity/core-tensors';
import type { Batch, NodeWorker, TaskSpec } from '@plasticity/core-tensors';
import type { ForwardForwardConfig } from '../config.js';
import type { FfNetwork, LocalGradients } from '../core.js';
import { layout, view } from './protocol.js';
import type { Slot, WorkerInit, WorkerJob, WorkerReply } from './protocol.js';

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

/**
 * Data-parallel Forward-Forward steps: tfjs' wasm backend runs on one core in Node, so the
 * batch is cut into one slice per thread; the calling thread computes the first, Node worker
 * threads (each with its own tfjs and a replica of the network, weights copied in through
 * shared memory) the others. Slice gradients are averaged by slice size, which is exactly the
 * batch gradient of the per-layer losses; negatives are drawn per slice, and peer
 * normalisation's push uses each slice's running mean (its new running mean is exact).
 */
export class FfThreads {
  private constructor(
    private readonly network: FfNetwork,
    private readonly helpers: readonly Helper[],
    private readonly weights: SharedArrayBuffer,
    private readonly weightSlots: readonly Slot[],
    private readonly gradSlots: readonly Slot[],
  ) {}

  /**
   * Starts `threads − 1` workers. Resolves to undefined when one thread would run, or threads
   * cannot run here: outside Node, without SharedArrayBuffer, on a GPU backend under `'auto'`,
   * or without the built worker script (running from TypeScript sources).
   */
  static async start(
    network: FfNetwork,
    config: ForwardForwardConfig,
    task: TaskSpec,
    seed: number,
    workerUrl: URL = DEFAULT_WORKER_URL,
  ): Promise<FfThreads | undefined> {
    const backend = tf.getBackend();
    const count = await resolveThreads(config.threads, backend);
    if (count <= 1 || typeof SharedArrayBuffer !== 'function') return undefined;
    const shapes = (names: string[]) => Object.fromEntries(names.map((n) => [n, network.variables[n].shape]));
    const all = layout(shapes(Object.keys(network.variables)));
    const trainable = layout(
      shapes(Object.keys(network.variables).filter((n) => network.variables[n].trainable)),
    );
    const weights = new SharedArrayBuffer(all.length * 4);
    const grads = Array.from({ length: count - 1 }, () => new SharedArrayBuffer(trainable.length * 4));
    const workers = await startNodeWorkers(workerUrl, count - 1, (k): WorkerInit => ({
      config,
      task,
      seed,
      backend,
      weights,
      weightSlots: all.slots,
      grads: grads[k],
      gradSlots: trainable.slots,
    }));
    if (workers === undefined) return undefined;
    const helpers = workers.map((worker, k) => ({ worker, grads: grads[k] }));
    return new FfThreads(network, helpers, weights, all.slots, trainable.slots);
  }

  /** Threads a batch is spread over (the calling one included). */
  get threads(): number {
    return this.helpers.length + 1;
  }

  /** One step over all threads: slice gradients averaged by slice size, metrics likewise. */
  async step(batch: Batch, seeds: readonly number[]): Promise<CombinedStep> {
    const size = batch.size;
    const features = this.network.spec.features;
    // Current weights to shared memory, the batch to the host.
    for (const slot of this.weightSlots)
      view(this.weights, slot).set(await this.network.variables[slot.name].data());
    const [xs, ys] = await Promise.all([
      batch.x instanceof tf.Tensor ? batch.x.data() : undefined,
      batch.y.data(),
    ]);
    if (xs === undefined || xs.length !== size * features) {
      // Let the single-thread step raise the shape error with its message.
      return hostStep(this.network, batch, seeds);
    }
    const bound = (k: number) => Math.round((k * size) / this.threads);
    const replies = this.helpers.map((helper, k) => {
      const [from, to] = [bound(k + 1), bound(k + 2)];
      if (to <= from) return undefined;
      const job: WorkerJob = {
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
        mine = await hostStep(this.network, { x, y, size: own }, seeds);
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
          if (reply === undefined || !reply.ok) return;
          const share = replies[k]!.size / size;
          const incoming = (slot: Slot) =>
            tf.mul(tf.tensor(view(replies[k]!.grads, slot), slot.shape as number[]), share);
          const add = (map: Record<string, tf.Tensor>) =>
            mapValues(map, (t, name) => tf.add(t, incoming(this.gradSlots.find((s) => s.name === name)!)));
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

  /** Stops the workers. */
  async dispose(): Promise<void> {
    await Promise.all(this.helpers.map((h) => h.worker.terminate()));
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
