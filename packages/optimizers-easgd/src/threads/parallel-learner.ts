import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError, fromWorkerError } from '@plasticity/core-tensors';
import type { Batch, BatchInput, InspectOptions, Learner, StepMetrics } from '@plasticity/core-tensors';
import type { CenterStore } from '../store/center-store.js';
import { MemoryStore } from '../store/memory-store.js';
import { SharedMemoryStore } from '../store/shared-memory-store.js';
import type { ElasticWorker } from '../worker/elastic-worker.js';
import { flattenParams, writeParams } from '../worker/flat-params.js';
import { answerCenterCall } from './center-messages.js';
import type { ThreadChannel } from './channel.js';
import { isCenterCall } from './protocol.js';
import type { CenterLink, ThreadReply, ThreadRequest } from './protocol.js';

/** A learner whose steps run on worker threads around a shared center (see `createThreadedLearner`). */
export interface ThreadedLearner extends Learner {
  readonly workers: number;
  /** Where the center lives: a SharedArrayBuffer, or this thread (workers exchange by messages). */
  readonly centerStore: 'shared' | 'messages';
  /** The center the workers exchange with (the lower level when `linkToCenter` makes a tree). */
  readonly store: CenterStore;
  /** Waits for every step sent so far and copies the center into `params`. */
  flush(): Promise<void>;
  /** Steps handed to each worker so far (the calling thread's first when it trains): the load balance. */
  readonly stepsPerWorker: readonly number[];
  /** Each worker's own parameters (flat, sorted names) after the steps sent so far. */
  workerParams(): Promise<Float32Array[]>;
}

/** Steps queued per thread: one running, one waiting, so the thread never waits for the main one. */
const QUEUE_DEPTH = 2;

interface Slot {
  readonly channel: ThreadChannel;
  readonly index: number;
  /** Steps sent to this thread and not yet answered (at most `QUEUE_DEPTH`). */
  readonly inFlight: Set<Promise<ThreadReply>>;
  /** Their resolvers, oldest first: the thread answers in order. */
  readonly waiting: { resolve: (reply: ThreadReply) => void; reject: (error: Error) => void }[];
  /** Set when the thread died: later requests fail at once. */
  failed?: Error;
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
  // wasm's dataSync is already a copy of its heap; the cpu backend's is its own storage.
  const values = x.dataSync() as Float32Array;
  const features = tf.getBackend() === 'wasm' ? values : values.slice();
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

/** Resolves after the events already queued (thread messages) have been handled. */
function nextEventTurn(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  // Browsers: a message to ourselves is queued behind the ones already waiting (setTimeout(0)
  // would be clamped to 4 ms).
  const channel = new MessageChannel();
  return new Promise((resolve) => {
    channel.port1.addEventListener('message', () => {
      channel.port1.close();
      resolve();
    });
    channel.port1.start();
    channel.port2.postMessage(null);
  });
}

export interface ParallelLearnerParts {
  /** The learner on this thread; its params hold the center between exchanges. */
  readonly center: Learner;
  /** The center, already initialised from `center.params`. */
  readonly store: CenterStore;
  readonly centerStore: 'shared' | 'messages';
  /** The started training threads, one per worker (but `local`'s). */
  readonly channels: readonly ThreadChannel[];
  /**
   * A worker on the calling thread, already joined to the center. It takes a batch whenever every
   * thread's queue is full, so the calling thread trains instead of waiting, and p workers need
   * p − 1 threads: on p cores no core runs three busy threads.
   */
  readonly local?: ElasticWorker;
  /**
   * Synchronous EASGD with this τ: the batches go to the workers in turn (worker 0 first), and
   * after τ each, every worker's elastic difference from the same center is added to it in worker
   * order (a round). The run is then repeatable bit for bit, however the threads are scheduled.
   */
  readonly synchronousTau?: number;
}

/**
 * The learner around started training threads, for Node worker threads and Web Workers alike.
 * `trainStep(batch)` hands the batch to the least loaded thread (so consecutive batches — one
 * shuffled epoch — are split between the threads) and returns the metrics of the latest finished
 * step; up to two steps per thread are in flight. Prediction, checkpoints and `flush()` wait for
 * them and read the center, so `fit`, `evaluate` and checkpoints work unchanged and always see
 * the center. Center calls from threads (a center by messages) are answered here, one at a time,
 * so each add is atomic. Resolves once every thread has built its learner and joined the center
 * (thread start is part of building the learner, not of its first steps); a thread that cannot
 * start rejects it, with the threads stopped.
 */
export async function parallelLearner(parts: ParallelLearnerParts): Promise<ThreadedLearner> {
  const { center, store, local } = parts;
  const slots: Slot[] = parts.channels.map((channel, index) => ({
    channel,
    index,
    inFlight: new Set(),
    waiting: [],
  }));
  const pending = () => slots.flatMap((s) => [...s.inFlight]);
  let latest: StepMetrics | undefined;
  // A failed step is reported by the next call (trainStep, predict, flush).
  let failure: unknown;
  const throwIfFailed = () => {
    if (failure !== undefined) throw failure;
  };
  let learningRate = center.learningRate;
  const stepsPerWorker = new Array<number>(slots.length + (local ? 1 : 0)).fill(0);
  const first = local ? 1 : 0;
  let disposed = false;

  for (const slot of slots) {
    slot.channel.listen(
      (message) => {
        if (isCenterCall(message)) {
          void answerCenterCall(store, message).then((answer) =>
            slot.channel.post(
              answer,
              answer.ok && answer.values ? [answer.values.buffer as ArrayBuffer] : [],
            ),
          );
          return;
        }
        // Replies come in request order, one per request.
        const request = slot.waiting.shift();
        if (slot.waiting.length === 0) slot.channel.hold(false);
        request?.resolve(message);
      },
      (error) => {
        slot.failed = new PlasticityError(
          'E_BACKEND',
          `easgd worker ${slot.index} thread failed: ${error.message}`,
          {},
          { cause: error },
        );
        slot.channel.hold(false);
        for (const request of slot.waiting.splice(0)) request.reject(slot.failed);
      },
    );
  }

  const send = async (slot: Slot, message: ThreadRequest, transfer: ArrayBuffer[] = []) => {
    const reply = await new Promise<ThreadReply>((resolve, reject) => {
      if (slot.failed) return reject(slot.failed);
      slot.waiting.push({ resolve, reject });
      if (slot.waiting.length === 1) slot.channel.hold(true);
      slot.channel.post(message, transfer);
    });
    if (!reply.ok) throw fromWorkerError(reply.error);
    return reply;
  };

  // The least loaded thread with room in its queue (the next batch waits there, so a thread
  // never idles while its reply and the next request cross).
  const openSlot = (): Slot | undefined =>
    slots
      .filter((s) => s.inFlight.size < QUEUE_DEPTH)
      .reduce<Slot | undefined>(
        (a, b) => (a === undefined || b.inFlight.size < a.inFlight.size ? b : a),
        undefined,
      );

  async function idleSlot(): Promise<Slot> {
    const open = openSlot();
    if (open) return open;
    await Promise.race(pending().map((p) => p.catch(() => undefined)));
    return idleSlot();
  }

  async function settle(): Promise<void> {
    await Promise.allSettled(pending());
    throwIfFailed();
  }

  async function flush(): Promise<void> {
    await settle();
    writeParams(center.params, await store.read());
  }

  // Synchronous rounds: batch n goes to worker n mod p; a round after every p·τ batches.
  let dispatched = 0;
  const workerCount = slots.length + (local ? 1 : 0);

  async function dispatch(slot: Slot, batch: Batch): Promise<void> {
    const { message, transfer } = batchMessage(batch, learningRate);
    stepsPerWorker[first + slot.index]++;
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
  }

  async function stepHere(batch: Batch): Promise<StepMetrics> {
    const worker = local as ElasticWorker;
    worker.learner.learningRate = learningRate;
    stepsPerWorker[0]++;
    latest = await worker.step(batch);
    return latest;
  }

  async function synchronousStep(batch: Batch): Promise<StepMetrics> {
    const index = dispatched % workerCount;
    dispatched++;
    if (local && index === 0) await stepHere(batch);
    else {
      const slot = slots[index - first];
      while (slot.inFlight.size >= QUEUE_DEPTH) {
        await Promise.race([...slot.inFlight].map((p) => p.catch(() => undefined)));
      }
      throwIfFailed();
      await dispatch(slot, batch);
    }
    if (dispatched % (workerCount * (parts.synchronousTau as number)) === 0) await round();
    return latest as StepMetrics;
  }

  /** Every worker's elastic difference from the same center, added to it in worker order. */
  async function round(): Promise<void> {
    await settle();
    const center = await store.read();
    const differences = await Promise.all([
      ...(local ? [local.roundDifference(center)] : []),
      ...slots.map(async (slot) => {
        const reply = await send(slot, { type: 'round' });
        return (reply.ok && reply.params) || new Float32Array(0);
      }),
    ]);
    const sum = new Float32Array(center.length);
    for (const d of differences) for (let k = 0; k < sum.length; k++) sum[k] += d[k];
    await store.add(sum);
  }

  const assertLive = () => {
    if (disposed) throw new PlasticityError('E_USAGE', 'this parallel learner has been disposed');
  };

  const learner: ThreadedLearner = {
    workers: slots.length + (local ? 1 : 0),
    stepsPerWorker,
    centerStore: parts.centerStore,
    store,
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
      if (parts.synchronousTau !== undefined) return synchronousStep(batch);
      // Replies that came in during a local step wait behind the step's promise chain: let them
      // land first, or the threads look busy and starve while this thread does every step.
      if (local) await nextEventTurn();
      if (local && (slots.length === 0 || openSlot() === undefined)) return stepHere(batch);
      const slot = await idleSlot();
      throwIfFailed();
      await dispatch(slot, batch);
      return latest as StepMetrics;
    },
    async predict(x: BatchInput) {
      assertLive();
      await flush();
      return center.predict(x);
    },
    // Spiking rules show rasters of the center, as predict sees it (run reports draw them).
    ...(center.inspect && {
      async inspect(x: BatchInput, options?: InspectOptions) {
        assertLive();
        await flush();
        return center.inspect!(x, options);
      },
    }),
    async saveState() {
      await flush();
      return { 'easgd.workers': tf.scalar(slots.length) };
    },
    async loadState() {
      // A checkpoint restored the center's params: start the center and every worker from them.
      await settle();
      const wanted = await flattenParams(center.params);
      const now = await store.read();
      await store.add(wanted.map((v, i) => v - now[i]));
      if (local) local.restart(await store.read());
      dispatched = 0;
      await Promise.all(slots.map((slot) => send(slot, { type: 'reset' })));
    },
    flush,
    async workerParams() {
      assertLive();
      await settle();
      const replies = await Promise.all(slots.map((slot) => send(slot, { type: 'params' })));
      const threads = replies.map((reply) => (reply.ok && reply.params) || new Float32Array(0));
      return local ? [await flattenParams(local.learner.params), ...threads] : threads;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const slot of slots) slot.channel.terminate();
      void store.close();
      local?.learner.dispose();
      center.dispose();
    },
  };
  try {
    await Promise.all(slots.map((slot) => send(slot, { type: 'ready' })));
  } catch (error) {
    for (const slot of slots) slot.channel.terminate();
    void store.close();
    local?.learner.dispose();
    throw error;
  }
  return learner;
}

/**
 * The center for a parallel learner, initialised to `initial`: a `SharedMemoryStore` whose buffer
 * the threads attach to, or a `MemoryStore` on this thread that they reach by messages.
 */
export async function createCenter(
  kind: 'shared' | 'messages',
  initial: Float32Array,
): Promise<{ store: CenterStore; link: CenterLink }> {
  if (kind === 'shared') {
    const store = SharedMemoryStore.create(initial.length);
    await store.init(initial);
    return { store, link: store.buffer };
  }
  const store = new MemoryStore(initial.length);
  await store.init(initial);
  return { store, link: { kind: 'messages', length: initial.length } };
}
