import { PlasticityError } from '@plasticity/core-tensors';
import { accumulatedUpdate } from '../algorithms/downpour.js';
import { addScaled, elasticDifference } from '../algorithms/vector.js';
import type { EasgdConfig } from '../config.js';
import type { CenterStore } from '../store/center-store.js';

/**
 * When the exchange happens relative to the local step:
 * - `author`: as the author's code runs Algorithm 1. Before the step the worker reads x̃, sends
 *   `d = alpha (x − x̃)` from its pre-step x, takes its step at that x, then `x −= d`.
 * - `after-step`: the local step first, then the exchange on the new x (`x −= d` at once). For
 *   rules whose step is not a gradient step the exchange simply acts on the params between steps.
 */
export type ExchangeOrder = 'author' | 'after-step';

export interface ElasticClientOptions {
  readonly store: CenterStore;
  readonly config: EasgdConfig;
  readonly workerId: string;
  readonly order?: ExchangeOrder;
}

/** How the local step's parameters are reached: a plain vector, or a learner's variables. */
export interface ParamAccess<M> {
  /** The current parameters (may be the live vector itself). */
  read(): Promise<Float32Array> | Float32Array;
  /** Sets the parameters to `x`. */
  write(x: Float32Array): Promise<void> | void;
  /** One local step (changes the parameters). */
  step(): Promise<M> | M;
}

/**
 * One worker's side of EASGD / EAMSGD / DOWNPOUR: its own clock, the exchange every tau local
 * steps, and the write tokens. The simulator and `ElasticWorker` both drive it through
 * `stepAround`, so the tests exercise the code the real workers run.
 */
export class ElasticClient {
  readonly store: CenterStore;
  readonly config: EasgdConfig;
  readonly workerId: string;
  readonly order: ExchangeOrder;
  /** Local steps taken. */
  clock = 0;
  /** Exchanges made (also the last write token's sequence). */
  exchanges = 0;
  /** DOWNPOUR: the center as last pulled; the push is `x − pulled`. */
  private pulled: Float32Array | undefined;
  /** The elastic difference, reused: it lives from one exchange until the local pull after it. */
  private difference: Float32Array | undefined;

  /** Synchronous EASGD: this worker's share of the last round, subtracted after its next step. */
  private roundPull: Float32Array | undefined;

  constructor(options: ElasticClientOptions) {
    this.store = options.store;
    this.config = options.config;
    this.workerId = options.workerId;
    this.order = options.order ?? 'author';
  }

  /**
   * Whether the step about to be taken exchanges with the center (never on its own clock in
   * synchronous rounds, which the caller holds with `roundDifference`).
   */
  get due(): boolean {
    if (this.config.synchronous) return false;
    const t = this.order === 'author' ? this.clock : this.clock + 1;
    return t % this.config.tau === 0;
  }

  /**
   * Synchronous EASGD, this worker's part of a round: `d = α(x − x̃)` from the round's center and
   * the params now (before the next local step), returned for the caller to add to the center
   * together with every other worker's. The worker's own pull `x −= d` comes after its next step
   * (the paper's update takes both terms from the pre-step values); with `after-step` it is
   * applied to `x` at once. Returns a new array.
   */
  roundDifference(x: Float32Array, center: Float32Array): Float32Array {
    if (!this.config.synchronous) {
      throw new PlasticityError('E_USAGE', 'roundDifference is for synchronous rounds (synchronous: true)');
    }
    const d = elasticDifference(x, center, this.config.alpha, new Float32Array(x.length));
    if (this.order === 'after-step') addScaled(x, d, -1);
    // A copy stays here: the caller may hand `d` on (a thread transfers it to the calling one).
    else this.roundPull = d.slice();
    return d;
  }

  /** Forgets a round's pull not yet applied (the params were just reset to the center). */
  clearRound(): void {
    this.roundPull = undefined;
  }

  /** One local step with the exchange around it when tau divides the clock. Returns the step's result. */
  async stepAround<M>(access: ParamAccess<M>): Promise<M> {
    const pull = this.roundPull;
    if (pull !== undefined) {
      this.roundPull = undefined;
      const result = await access.step();
      const after = await access.read();
      addScaled(after, pull, -1);
      await access.write(after);
      return this.tick(result);
    }
    if (!this.due) return this.tick(await access.step());
    if (this.order === 'after-step') {
      const result = await access.step();
      const x = await access.read();
      await this.exchange(x);
      await access.write(x);
      return this.tick(result);
    }
    const x = await access.read();
    if (this.config.method === 'downpour') {
      await this.downpour(x);
      await access.write(x);
      return this.tick(await access.step());
    }
    const d = await this.send(x);
    const result = await access.step();
    const after = await access.read();
    addScaled(after, d, -1);
    await access.write(after);
    return this.tick(result);
  }

  /** The exchange on `x` in place: elastic (`x −= d` after sending d) or DOWNPOUR (push, pull). */
  async exchange(x: Float32Array): Promise<void> {
    if (this.config.method === 'downpour') return this.downpour(x);
    addScaled(x, await this.send(x), -1);
  }

  /** Reads x̃, sends `d = alpha (x − x̃)` (the center moves by +d) and returns d. */
  private async send(x: Float32Array): Promise<Float32Array> {
    const center = await this.store.read();
    const d = elasticDifference(
      x,
      center,
      this.config.alpha,
      (this.difference ??= new Float32Array(x.length)),
    );
    await this.store.add(d, this.token());
    return d;
  }

  /** Pushes the update accumulated since the last pull, then replaces x by the center. */
  private async downpour(x: Float32Array): Promise<void> {
    if (this.pulled) await this.store.add(accumulatedUpdate(x, this.pulled), this.token());
    const center = await this.store.read();
    x.set(center);
    this.pulled = center;
  }

  private token() {
    return { worker: this.workerId, sequence: ++this.exchanges };
  }

  private tick<M>(result: M): M {
    this.clock++;
    return result;
  }
}
