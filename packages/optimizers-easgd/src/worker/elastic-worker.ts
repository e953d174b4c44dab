import type { Batch, Learner, StepMetrics } from '@plasticity/core-tensors';
import type { EasgdConfig } from '../config.js';
import type { CenterStore } from '../store/center-store.js';
import { ElasticClient } from './elastic-client.js';
import type { ExchangeOrder } from './elastic-client.js';
import type { ElasticLink } from './elastic-link.js';
import { flattenParams, paramCount, writeParams } from './flat-params.js';

export interface ElasticWorkerOptions {
  readonly learner: Learner;
  readonly store: CenterStore;
  readonly config: EasgdConfig;
  readonly workerId: string | number;
  /**
   * `author` (default): the elastic difference from the pre-step params, as Algorithm 1.
   * `after-step`: exchange after the local step, for rules whose step is not a gradient step.
   */
  readonly order?: ExchangeOrder;
  /** Tree EASGD: this worker also keeps its machine's link to the global center (ticked per step). */
  readonly link?: ElasticLink;
}

/**
 * Runs any `Learner` as one EASGD / EAMSGD / DOWNPOUR worker: one local `trainStep` per call, and
 * every tau calls the exchange with the center on the flattened params (sorted names). EAMSGD is
 * this exchange around a learner whose own optimiser is Nesterov momentum delta.
 */
export class ElasticWorker {
  readonly learner: Learner;
  readonly client: ElasticClient;
  readonly link: ElasticLink | undefined;
  /** The flattened params, reused by every exchange (the client never keeps it between steps). */
  private flat: Float32Array | undefined;

  constructor(options: ElasticWorkerOptions) {
    this.learner = options.learner;
    this.link = options.link;
    this.client = new ElasticClient({
      store: options.store,
      config: options.config,
      workerId: String(options.workerId),
      order: options.order,
    });
  }

  /** Puts the learner's params into the center unless another worker did first; then starts from the center. */
  async join(): Promise<void> {
    const params = this.learner.params;
    await this.client.store.init(await flattenParams(params));
    writeParams(params, await this.client.store.read());
  }

  /** Restarts this worker from `center` (a checkpoint was restored), with no pull pending. */
  restart(center: Float32Array): void {
    writeParams(this.learner.params, center);
    this.client.clearRound();
  }

  /** Number of values exchanged. */
  get length(): number {
    return paramCount(this.learner.params);
  }

  /**
   * Synchronous EASGD: this worker's elastic difference from the round's `center` (see
   * `ElasticClient.roundDifference`); the caller adds the sum over all workers to the center.
   */
  async roundDifference(center: Float32Array): Promise<Float32Array> {
    const params = this.learner.params;
    const x = await flattenParams(params, (this.flat ??= new Float32Array(paramCount(params))));
    const d = this.client.roundDifference(x, center);
    if (this.client.order === 'after-step') writeParams(params, x);
    return d;
  }

  /** One local step (with the exchange around it when tau divides this worker's clock). */
  async step(batch: Batch): Promise<StepMetrics> {
    const params = this.learner.params;
    const metrics = await this.client.stepAround({
      read: () => flattenParams(params, (this.flat ??= new Float32Array(paramCount(params)))),
      write: (x) => writeParams(params, x),
      step: () => this.learner.trainStep(batch),
    });
    await this.link?.tick();
    return metrics;
  }
}
