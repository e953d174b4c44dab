import { addScaled, elasticDifference } from '../algorithms/vector.js';
import type { CenterStore } from '../store/center-store.js';

export interface ElasticLinkOptions {
  /** The lower level's center (e.g. one machine's local center). */
  readonly lower: CenterStore;
  /** The level above (the global center). */
  readonly upper: CenterStore;
  /** Elastic rate between the two levels. */
  readonly alpha: number;
  /** Ticks between exchanges (tau2 of tree EASGD). */
  readonly tau: number;
  readonly id?: string;
}

/**
 * Tree EASGD's upper level: a lower center exchanges elastically with the one above, the same
 * rule as a worker with its center one level up: `d = alpha (x̃_lower − x̃_upper)`,
 * `x̃_upper += d`, `x̃_lower −= d`. Both moves are adds, so the workers' concurrent adds to the
 * lower center are never overwritten and `Σ x_i + Σ x̃_lower + x̃_upper` is conserved.
 */
export class ElasticLink {
  readonly options: ElasticLinkOptions;
  clock = 0;
  exchanges = 0;

  constructor(options: ElasticLinkOptions) {
    this.options = options;
  }

  /** Counts one tick (a local step of the worker that keeps the link); exchanges every tau ticks. */
  async tick(): Promise<boolean> {
    const due = this.clock % this.options.tau === 0;
    this.clock++;
    if (due) await this.exchange();
    return due;
  }

  async exchange(): Promise<void> {
    const { lower, upper, alpha, id = 'link' } = this.options;
    const [low, up] = await Promise.all([lower.read(), upper.read()]);
    const d = elasticDifference(low, up, alpha);
    const token = { worker: id, sequence: ++this.exchanges };
    await upper.add(d, token);
    const back = new Float32Array(d.length);
    addScaled(back, d, -1);
    await lower.add(back, token);
  }
}
