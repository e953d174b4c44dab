import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError, fromWorkerError, startNodeWorkers } from '@plasticity/core-tensors';
import type { Batch, BatchInput, Learner, NodeWorker, StepMetrics, TaskSpec } from '@plasticity/core-tensors';
import type { EasgdConfig } from '../config.js';
import type { ExchangeOrder } from '../worker/elastic-client.js';
import { SharedMemoryStore } from '../store/shared-memory-store.js';
import { flattenParams, writeParams } from '../worker/flat-params.js';
import type { ThreadReply, ThreadRequest, ThreadSetup } from './protocol.js';

export interface ThreadedLearnerOptions {
  /**
   * The learner on the calling thread. Its `params` hold the center between exchanges: they start
   * it, and are refreshed from it before every `predict`, checkpoint and at `flush()`.
   */
  readonly center: Learner;
  /** A worker script that calls `runTrainingThread` with the rules it can build. */
  readonly script: URL;
  readonly rule: string;
  readonly config: unknown;
  readonly task: TaskSpec;
  readonly seed: number;
  readonly easgd: EasgdConfig;
  /** tfjs backend of the training threads (default 'wasm'). */
  readonly backend?: string;
  /** Modules each thread imports first (rule plugins). */
  readonly modules?: readonly string[];
  /**
   * `author` (default) for rules whose step is a gradient step; `after-step` for rules with their
   * own update (the exchange then acts on the params between local steps).
   */
  readonly order?: ExchangeOrder;
}

/** A learner whose steps run on worker threads around a shared center (see `createThreadedLearner`). */
export interface ThreadedLearner extends Learner {
  readonly workers: number;
  /** Waits for every step sent so far and copies the center into `params`. */
  flush(): Promise<void>;
}

/** Steps queued per thread: one running, one waiting, so the thread never waits for the main one. */
const QUEUE_DEPTH = 2;

interface Slot {
  readonly worker: NodeWorker;
  readonly index: number;
  /** Steps sent to this thread and not yet answered (at most `QUEUE_DEPTH`). */
  readonly inFlight: Set<Promise<ThreadReply>>;
  /** Their resolvers, oldest first: the thread answers in order. */
  readonly waiting: { resolve: (reply: ThreadReply) => void; reject: (error: Error) => void }[];
}

function batchMessage(
  batch: Batch,
  learningRate: number,
): { message: ThreadRequest; transfer: ArrayBuffer[] } {
  const x = batch.x as tf.Tensor;
  if (!(x instanceof tf.Tensor)) {
    throw new PlasticityError(
      'E_USAGE',
      'parallel training takes dense or time-major tensor batches, not event lists',
    );
  }
  const features = x.dataSync().slice() as Float32Array;
  const isInt = batch.y.dtype === 'int32';
  const labels = (isInt ? Int32Array.from(batch.y.dataSync()) : Float32Array.from(batch.y.dataSync())) as
    Int32Array | Float32Array;
  return {
    message: {
      type: 'step',
      x: features,
      shape: x.shape,
      y: labels,
      yShape: batch.y.shape,
      yDtype: isInt ? 'int32' : 'float32',
      learningRate,
    },
    transfer: [features.buffer as ArrayBuffer, labels.buffer as ArrayBuffer],
  };
}

/**
 * Data-parallel training on the cores of one machine: `easgd.workers` Node worker threads, each
 * with its own tfjs engine and its own copy of the learner, exchange elastically with a center in
 * a SharedArrayBuffer every τ local steps. `trainStep(batch)` hands the batch to the next idle
 * thread (so consecutive batches — one shuffled epoch — are split between the threads) and
 * returns the metrics of the latest finished step; up to two steps per thread are in flight. Prediction,
 * checkpoints and `flush()` wait for them and read the center, so `fit`, `evaluate` and
 * checkpoints work unchanged and always see the center.
 */
export async function createThreadedLearner(options: ThreadedLearnerOptions): Promise<ThreadedLearner> {
  const { center, easgd } = options;
  const initial = await flattenParams(center.params);
  const store = SharedMemoryStore.create(initial.length);
  await store.init(initial);
  const setup = (worker: number): ThreadSetup => ({
    rule: options.rule,
    config: options.config,
    task: options.task,
    seed: options.seed,
    worker,
    easgd,
    center: store.buffer,
    backend: options.backend ?? 'wasm',
    modules: options.modules ?? [],
    order: options.order ?? 'author',
  });
  const started = await startNodeWorkers(options.script, easgd.workers, setup);
  if (!started) {
    throw new PlasticityError(
      'E_BACKEND',
      'parallel training needs Node worker threads and SharedArrayBuffer, which this runtime lacks',
    );
  }
  const slots: Slot[] = started.map((worker, index) => ({ worker, index, inFlight: new Set(), waiting: [] }));
  const pending = () => slots.flatMap((s) => [...s.inFlight]);
  let latest: StepMetrics | undefined;
  // A failed step is reported by the next call (trainStep, predict, flush).
  let failure: unknown;
  const throwIfFailed = () => {
    if (failure !== undefined) throw failure;
  };
  let learningRate = center.learningRate;
  let disposed = false;

  const who = (slot: Slot) => `easgd worker ${slot.index}`;
  // Replies come in request order, one per request; with two requests queued on a thread, each
  // reply must settle exactly its own request (a listener per request would see both replies).
  const listen = (slot: Slot) => {
    const onMessage = (reply: ThreadReply) => {
      slot.worker.off('error', onError);
      const request = slot.waiting.shift();
      if (slot.waiting.length > 0) listen(slot);
      else slot.worker.unref();
      request?.resolve(reply);
    };
    const onError = (error: Error) => {
      slot.worker.off('message', onMessage);
      const failed = new PlasticityError(
        'E_BACKEND',
        `${who(slot)} thread failed: ${error.message}`,
        {},
        { cause: error },
      );
      for (const request of slot.waiting.splice(0)) request.reject(failed);
    };
    slot.worker.once('message', onMessage);
    slot.worker.once('error', onError);
  };
  const send = async (slot: Slot, message: ThreadRequest, transfer: ArrayBuffer[] = []) => {
    const reply = await new Promise<ThreadReply>((resolve, reject) => {
      slot.waiting.push({ resolve, reject });
      if (slot.waiting.length === 1) {
        slot.worker.ref();
        listen(slot);
      }
      slot.worker.postMessage(message, transfer);
    });
    if (!reply.ok) throw fromWorkerError(reply.error);
    return reply;
  };

  async function idleSlot(): Promise<Slot> {
    // The least loaded thread with room in its queue (the next batch waits there, so a thread
    // never idles while its reply and the next request cross).
    const open = slots.filter((s) => s.inFlight.size < QUEUE_DEPTH);
    if (open.length > 0) return open.reduce((a, b) => (b.inFlight.size < a.inFlight.size ? b : a));
    await Promise.race(pending().map((p) => p.catch(() => undefined)));
    return idleSlot();
  }

  async function flush(): Promise<void> {
    await Promise.allSettled(pending());
    throwIfFailed();
    writeParams(center.params, await store.read());
  }

  const assertLive = () => {
    if (disposed) throw new PlasticityError('E_USAGE', 'this parallel learner has been disposed');
  };

  return {
    workers: slots.length,
    params: center.params,
    get learningRate() {
      return learningRate;
    },
    set learningRate(value: number) {
      learningRate = value;
    },
    async trainStep(batch) {
      assertLive();
      throwIfFailed();
      const slot = await idleSlot();
      throwIfFailed();
      const { message, transfer } = batchMessage(batch, learningRate);
      const run = (async () => {
        const reply = await send(slot, message, transfer);
        if (reply.ok && reply.metrics) latest = reply.metrics;
        return reply;
      })();
      slot.inFlight.add(run);
      run.then(
        () => slot.inFlight.delete(run),
        (error: unknown) => {
          failure ??= error;
          slot.inFlight.delete(run);
        },
      );
      // The first step waits for its own result; later ones return the latest finished metrics.
      if (latest === undefined) await run;
      return latest as StepMetrics;
    },
    async predict(x: BatchInput) {
      assertLive();
      await flush();
      return center.predict(x);
    },
    async saveState() {
      await flush();
      return { 'easgd.workers': tf.scalar(slots.length) };
    },
    async loadState() {
      // A checkpoint restored the center's params: start the center and every worker from them.
      await Promise.allSettled(pending());
      throwIfFailed();
      const wanted = await flattenParams(center.params);
      const now = await store.read();
      await store.add(wanted.map((v, i) => v - now[i]));
      await Promise.all(slots.map((slot) => send(slot, { type: 'reset' })));
    },
    flush,
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const slot of slots) void slot.worker.terminate();
      center.dispose();
    },
  };
}
