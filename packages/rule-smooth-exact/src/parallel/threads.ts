import { fromWorkerError, requestWorker, startNodeWorkers, threadCount } from '@plasticity/core-tensors';
import type { NodeWorker } from '@plasticity/core-tensors';
import { sharedFloat64, thetaParamsLike } from '@plasticity/neurons';
import type { ThetaNetwork, ThetaParams } from '@plasticity/neurons';
import { runSlice } from '../batch.js';
import type { SliceObjective, SlicePart } from '../batch.js';
import { sliceTrains } from '../input.js';
import type { PackedTrains } from '../input.js';
import type { WorkerInit, WorkerJob, WorkerReply } from './protocol.js';

/** The worker script beside this module (present once the package is built). */
export const DEFAULT_WORKER_URL: URL = new URL('./worker.js', import.meta.url);

/** Parameters (or gradients) shaped like `like`, over SharedArrayBuffers. */
function sharedParams(like: ThetaParams): ThetaParams {
  return {
    kernels: like.kernels.map((k) => sharedFloat64(k.length)),
    phases: like.phases.map((p) => sharedFloat64(p.length)),
  };
}

const all = (p: ThetaParams) => [...p.kernels, ...p.phases];

/**
 * Runs batches of a theta network on several threads: one slice of the batch per thread, the
 * calling thread the first, Node worker threads the rest, each with its own network over the
 * same shared parameters. Gradients are summed in a fixed order, so results do not depend on
 * timing. `SliceThreads.start` resolves to undefined where only one thread would run.
 */
export class SliceThreads {
  private constructor(
    private readonly network: ThetaNetwork,
    private readonly objective: SliceObjective,
    /** The parameters every thread reads: `run` copies the current ones here first. */
    private readonly params: ThetaParams,
    private readonly helpers: readonly { readonly worker: NodeWorker; readonly grads: ThetaParams }[],
  ) {}

  static async start(
    network: ThetaNetwork,
    objective: SliceObjective,
    threads: number | 'auto',
    workerUrl: URL = DEFAULT_WORKER_URL,
  ): Promise<SliceThreads | undefined> {
    const count = await threadCount(threads);
    if (count <= 1) return undefined;
    const zero = thetaParamsLike(network.spec);
    const params = sharedParams(zero);
    const grads = Array.from({ length: count - 1 }, () => sharedParams(zero));
    const workers = await startNodeWorkers(workerUrl, count - 1, (k): WorkerInit => ({
      spec: network.spec,
      objective,
      params,
      grads: grads[k],
    }));
    if (workers === undefined) return undefined;
    return new SliceThreads(
      network,
      objective,
      params,
      workers.map((worker, k) => ({ worker, grads: grads[k] })),
    );
  }

  get threads(): number {
    return this.helpers.length + 1;
  }

  /**
   * The batch on all threads: the parts in sample order; with `grads` (zeroed by the caller)
   * the gradient of the batch's mean loss added to it.
   */
  async run(
    params: ThetaParams,
    input: PackedTrains,
    labels?: Int32Array,
    grads?: ThetaParams,
  ): Promise<SlicePart[]> {
    all(this.params).forEach((shared, k) => shared.set(all(params)[k]));
    const size = input.size;
    const bound = (k: number) => Math.round((k * size) / this.threads);
    const pending = this.helpers.map((helper, k) => {
      const [from, to] = [bound(k + 1), bound(k + 2)];
      const job: WorkerJob = {
        input: sliceTrains(input, from, to),
        labels: labels?.slice(from, to),
        train: grads !== undefined,
        batchSize: size,
      };
      const transfer = [
        job.input.offsets.buffer,
        job.input.times.buffer,
        job.input.sources.buffer,
      ] as ArrayBuffer[];
      if (job.labels !== undefined) transfer.push(job.labels.buffer as ArrayBuffer);
      return requestWorker<WorkerReply>(helper.worker, job, transfer, 'smooth-exact');
    });
    let own: SlicePart | undefined;
    let failure: unknown;
    try {
      const first = sliceTrains(input, 0, bound(1));
      own = runSlice(
        this.network,
        this.params,
        first,
        this.objective,
        labels?.subarray(0, bound(1)),
        size,
        grads,
      );
    } catch (error) {
      failure = error;
    }
    // Every reply is awaited, even after a failure, so no worker is left mid-job.
    const replies = await Promise.allSettled(pending);
    if (failure !== undefined) throw failure;
    const parts = [own!];
    replies.forEach((settled, k) => {
      if (settled.status === 'rejected') throw settled.reason;
      const reply = settled.value;
      if (!reply.ok) throw fromWorkerError(reply.error);
      parts.push(reply.part);
      if (grads === undefined) return;
      const mine = all(grads);
      all(this.helpers[k].grads).forEach((add, a) => {
        const g = mine[a];
        for (let i = 0; i < g.length; i++) g[i] += add[i];
      });
    });
    return parts;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.helpers.map((h) => h.worker.terminate()));
  }
}
