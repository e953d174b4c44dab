import { fromWorkerError, requestWorker, startNodeWorkers, threadCount } from '@plasticity/core-tensors';
import type { NodeWorker } from '@plasticity/core-tensors';
import { finishBatch, runSamples, scoreSamples, sharedFloat64 } from '@plasticity/neurons';
import type {
  BatchResult,
  EventPropNetwork,
  HostSamples,
  ObjectiveOptions,
  PartialResult,
} from '@plasticity/neurons';
import { denseSamples } from '../inputs.js';
import type { DenseFeatures, InputCoding } from '../inputs.js';
import { packSamples } from './protocol.js';
import type { WorkerInit, WorkerJob, WorkerReply } from './protocol.js';

/** The worker script beside this module (present once the package is built). */
export const DEFAULT_WORKER_URL: URL = new URL('./worker.js', import.meta.url);

interface Helper {
  readonly worker: NodeWorker;
  readonly grads: Readonly<Record<string, Float64Array>>;
}

/**
 * Runs batches of an EventProp network on several threads: the batch is cut into one slice
 * per thread, the calling thread simulates the first, Node worker threads the rest, each with
 * its own network over the same (shared) weights; their gradients are summed in a fixed order,
 * so results do not depend on timing. Start with `EngineThreads.start`.
 */
export class EngineThreads {
  private constructor(
    private readonly network: EventPropNetwork,
    private readonly objective: ObjectiveOptions,
    private readonly helpers: readonly Helper[],
    private readonly coding: InputCoding | undefined,
  ) {}

  /**
   * Starts `threads − 1` workers (`'auto'`: one per core, at most 8). Resolves to undefined
   * when only one thread would run or threads cannot run here: outside Node, without
   * SharedArrayBuffer, or without the built worker script (running from TypeScript sources).
   */
  static async start(
    network: EventPropNetwork,
    objective: ObjectiveOptions,
    threads: number | 'auto',
    workerUrl: URL = DEFAULT_WORKER_URL,
    coding?: InputCoding,
  ): Promise<EngineThreads | undefined> {
    const count = await threadCount(threads);
    if (count <= 1) return undefined;
    const weights = network.weights();
    const grads = Array.from({ length: count - 1 }, () =>
      Object.fromEntries(Object.entries(weights).map(([name, w]) => [name, sharedFloat64(w.length)])),
    );
    const workers = await startNodeWorkers(workerUrl, count - 1, (k): WorkerInit => ({
      spec: network.spec,
      objective,
      weights,
      grads: grads[k],
      ...(coding ? { coding } : {}),
    }));
    if (workers === undefined) return undefined;
    const helpers = workers.map((worker, k) => ({ worker, grads: grads[k] }));
    return new EngineThreads(network, objective, helpers, coding);
  }

  /** Threads a batch is spread over (the calling one included). */
  get threads(): number {
    return this.helpers.length + 1;
  }

  /**
   * `runBatch` on all threads: scores, loss and metrics of the batch; with `grads` (zeroed by
   * the caller), ∂(mean loss)/∂W added to it. Dense features (with the dense `coding` given to
   * `start`) are latency coded by each thread for its own slice.
   */
  async run(
    input: HostSamples | DenseFeatures,
    labels: ArrayLike<number>,
    grads?: Record<string, Float64Array>,
  ): Promise<BatchResult> {
    const { scores, parts } = await this.dispatch(input, labels, grads);
    return finishBatch(this.network.spec, input.size, parts, scores);
  }

  /** Class scores `[B, outputs]` of a batch, forward passes on all threads. */
  async scores(samples: HostSamples): Promise<Float32Array> {
    return (await this.dispatch(samples)).scores;
  }

  /** Stops the workers. */
  async dispose(): Promise<void> {
    await Promise.all(this.helpers.map((h) => h.worker.terminate()));
  }

  /**
   * Cuts the batch into one slice per thread, runs the first here and the rest on the workers,
   * and gathers scores, partial results (with `labels`) and gradients (with `grads`).
   */
  private async dispatch(
    input: HostSamples | DenseFeatures,
    labels?: ArrayLike<number>,
    grads?: Record<string, Float64Array>,
  ): Promise<{ scores: Float32Array; parts: PartialResult[] }> {
    const size = input.size;
    const coding = this.coding;
    const dense = 'kind' in input ? input : undefined;
    if (dense !== undefined && coding?.kind !== 'dense') {
      throw new Error('EngineThreads: dense features need the dense coding given to start');
    }
    const features = coding?.kind === 'dense' ? coding.features : 0;
    // The slice `from … to − 1`: a copy of its features to transfer, or its packed spikes.
    const slice = (from: number, to: number) =>
      dense !== undefined
        ? { dense: dense.values.slice(from * features, to * features) }
        : packSamples(input as HostSamples, from, to);
    const outputs = this.network.spec.outputs;
    const slices = this.threads;
    const bound = (k: number) => Math.round((k * size) / slices);
    const pending: { from: number; reply: Promise<WorkerReply>; grads: Helper['grads'] }[] = [];
    this.helpers.forEach((helper, k) => {
      const from = bound(k + 1);
      const to = bound(k + 2);
      if (to <= from) return;
      const job: WorkerJob = {
        ...slice(from, to),
        labels:
          labels === undefined
            ? undefined
            : Float64Array.from({ length: to - from }, (_, b) => labels[from + b]),
        train: grads !== undefined,
        batchSize: size,
        firstIndex: from,
      };
      const transfer = (
        'dense' in job ? [job.dense.buffer] : [job.offsets.buffer, job.times.buffer, job.units.buffer]
      ) as ArrayBuffer[];
      if (job.labels !== undefined) transfer.push(job.labels.buffer as ArrayBuffer);
      const reply = requestWorker<WorkerReply>(helper.worker, job, transfer, 'eventprop');
      pending.push({ from, reply, grads: helper.grads });
    });
    const scores = new Float32Array(size * outputs);
    const parts: PartialResult[] = [];
    let failure: unknown;
    try {
      // The calling thread's slice is the first: its scores start at 0.
      const own = bound(1);
      const samples =
        dense !== undefined
          ? denseSamples(
              dense.values.subarray(0, own * features),
              own,
              coding as InputCoding & { kind: 'dense' },
            )
          : (input as HostSamples);
      const sample = (b: number) => samples.sample(b);
      const ownScores = scores.subarray(0, own * outputs);
      if (labels === undefined) scoreSamples(this.network, own, sample, ownScores);
      else parts.push(runSamples(this.network, own, sample, labels, this.objective, size, ownScores, grads));
    } catch (e) {
      failure = e;
    }
    // Every reply is awaited, even after a failure, so no worker is left mid-job.
    const replies = await Promise.allSettled(pending.map((p) => p.reply));
    if (failure !== undefined) throw failure;
    replies.forEach((settled, k) => {
      if (settled.status === 'rejected') throw settled.reason;
      const answer = settled.value;
      if (!answer.ok) throw fromWorkerError(answer.error);
      const { from, grads: workerGrads } = pending[k];
      scores.set(answer.scores, from * outputs);
      if (answer.part !== undefined) parts.push(answer.part);
      if (grads !== undefined) {
        for (const [name, g] of Object.entries(grads)) {
          const add = workerGrads[name];
          for (let i = 0; i < g.length; i++) g[i] += add[i];
        }
      }
    });
    return { scores, parts };
  }
}
