// Helpers for the simulator tests (not exported by the package).
import type { CenterStore, WriteToken } from '../store/center-store.js';

/** mulberry32: a small seeded generator, so every interleaving is reproducible. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A store whose every read and add waits for its turn; `run` releases the waiting calls in a
 * seeded random order, so concurrent workers interleave arbitrarily (stale reads included).
 */
export class InterleavingStore implements CenterStore {
  private readonly waiting: (() => void)[] = [];
  constructor(
    readonly inner: CenterStore,
    private readonly random: () => number,
  ) {}
  get length(): number {
    return this.inner.length;
  }
  init(values: Float32Array): Promise<boolean> {
    return this.inner.init(values);
  }
  async read(): Promise<Float32Array> {
    await this.turn();
    return this.inner.read();
  }
  async add(delta: Float32Array, token?: WriteToken): Promise<void> {
    await this.turn();
    return this.inner.add(delta, token);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  private turn(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  /** Runs `tasks` concurrently, releasing one waiting store call at a time at random. */
  async run(tasks: readonly Promise<unknown>[]): Promise<void> {
    let done = false;
    const all = Promise.all(tasks).then(() => (done = true));
    while (!done) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.waiting.length > 0) {
        const [release] = this.waiting.splice(Math.floor(this.random() * this.waiting.length), 1);
        release();
      }
    }
    await all;
  }
}

/** A store that silently drops its `n`-th add: the conservation oracle must catch it. */
export class DroppingStore implements CenterStore {
  private adds = 0;
  constructor(
    readonly inner: CenterStore,
    private readonly drop: number,
  ) {}
  get length(): number {
    return this.inner.length;
  }
  init(values: Float32Array): Promise<boolean> {
    return this.inner.init(values);
  }
  read(): Promise<Float32Array> {
    return this.inner.read();
  }
  add(delta: Float32Array, token?: WriteToken): Promise<void> {
    return ++this.adds === this.drop ? Promise.resolve() : this.inner.add(delta, token);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
