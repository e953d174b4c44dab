import { describe, expect, test } from '@jest/globals';
import { parseEasgdConfig } from '../config.js';
import { MemoryStore } from '../store/memory-store.js';
import type { CenterStore } from '../store/center-store.js';
import { ElasticClient } from '../worker/elastic-client.js';
import { simulateTree } from './quadratic.js';
import { DroppingStore, InterleavingStore, seeded } from './interleaving.test-util.js';

const DIM = 4;
const P = 3;
const EXCHANGES = 3;

/** Σ_i x_i + x̃ per coordinate, in float64 (exact for these float32 dyadic values). */
function total(workers: readonly Float32Array[], center: Float32Array): number[] {
  return Array.from(center, (c, k) => workers.reduce((s, x) => s + x[k], c));
}

/**
 * p workers with eta = 0 and alpha = 1/4, each exchanging EXCHANGES times, concurrently; the
 * store releases their reads and adds in a seeded random order (stale reads included).
 */
async function interleavedRun(seed: number, wrap: (store: CenterStore) => CenterStore = (s) => s) {
  const random = seeded(seed);
  const integer = () => Math.floor(random() * 17) - 8;
  const base = new MemoryStore(DIM);
  await base.init(Float32Array.from({ length: DIM }, integer));
  const store = new InterleavingStore(wrap(base), random);
  const workers = Array.from({ length: P }, () => Float32Array.from({ length: DIM }, integer));
  const initial = workers.map((x) => Float32Array.from(x));
  const before = total(workers, await base.read());
  const { config } = parseEasgdConfig({ workers: P, tau: 1, alpha: 0.25 });
  const loops = workers.map(async (x, i) => {
    const client = new ElasticClient({
      store,
      config,
      workerId: `w${i}`,
      order: i % 2 ? 'after-step' : 'author',
    });
    for (let t = 0; t < EXCHANGES; t++) {
      await client.stepAround({ read: () => x, write: () => undefined, step: () => undefined });
    }
  });
  await store.run(loops);
  const after = total(workers, await base.read());
  return { before, after, moved: workers.some((x, i) => x.some((v, k) => v !== initial[i][k])) };
}

describe('conservation with eta = 0 (dyadic values, alpha = 1/4)', () => {
  test('every interleaving of exchanges keeps Σ x_i + x̃ exactly', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { before, after, moved } = await interleavedRun(seed);
      expect(moved).toBe(true);
      expect(after).toEqual(before);
    }
  });

  test('the oracle catches a lost update', async () => {
    const { before, after } = await interleavedRun(7, (store) => new DroppingStore(store, 4));
    expect(after).not.toEqual(before);
  });

  test('tree EASGD keeps Σ x_i + Σ local centers + global exactly', async () => {
    const groups = [
      [-3, 5],
      [2, 7, -6],
    ].map((cs) => cs.map((minimum) => ({ curvature: 1, minimum })));
    const start = [3, -5];
    const run = await simulateTree({
      groups,
      eta: 0,
      alpha: 0.25,
      tau: 1,
      alphaUp: 0.25,
      tauUp: 2,
      rounds: 3,
      start,
    });
    const sum =
      run.global[0] +
      run.locals.reduce((s, l) => s + l[0], 0) +
      run.workers.flat().reduce((s, x) => s + x[0], 0);
    // Two groups of 2 and 3 workers plus their centers started at 3 and −5; the global at 0.
    expect(sum).toBe(3 * 3 + 4 * -5);
    expect(run.global[0]).not.toBe(0);
  });
});
