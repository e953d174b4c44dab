import { describe, expect, test } from '@jest/globals';
import { parseEasgdConfig } from '../config.js';
import { oneWorkerAlphaBound } from '../algorithms/easgd.js';
import { simulateAsync, simulateSync, simulateTree } from './quadratic.js';
import type { Quadratic } from './quadratic.js';

const config = (raw: Record<string, unknown>) => parseEasgdConfig(raw).config;

/** Spectral radius of synchronous one-worker EASGD on h/2 x²: M = [[1 − ηh − α, α], [α, 1 − α]]. */
function oneWorkerRadius(eta: number, h: number, alpha: number): number {
  const a = 1 - eta * h - alpha;
  const d = 1 - alpha;
  const trace = a + d;
  const det = a * d - alpha * alpha;
  const disc = trace * trace - 4 * det; // symmetric matrix: real eigenvalues
  return Math.max(Math.abs((trace + Math.sqrt(disc)) / 2), Math.abs((trace - Math.sqrt(disc)) / 2));
}

describe('synchronous EASGD on quadratics', () => {
  test('p = 3, h = (1, 2, 4), c = (1, −1, 3), eta 0.1, beta 0.9: the center converges to Σ w c / Σ w', () => {
    const h = [1, 2, 4];
    const c = [1, -1, 3];
    const eta = 0.1;
    const alpha = 0.9 / 3;
    const rho = alpha / eta;
    const w = h.map((hi) => hi / (hi + rho));
    const expected = w.reduce((s, wi, i) => s + wi * c[i], 0) / w.reduce((s, wi) => s + wi, 0);
    expect(expected).toBeCloseTo(1.280702, 6);
    const result = simulateSync({
      quadratics: h.map((curvature, i) => ({ curvature, minimum: c[i] })),
      eta,
      alpha,
      rounds: 2000,
    });
    expect(Math.abs(result.center[0] - expected)).toBeLessThan(1e-6);
    expect(Math.abs(result.center[0] - 1.280702)).toBeLessThan(1e-6);
  });

  test('one worker: alpha just inside (4 − 2 eta h)/(4 − eta h) converges, just outside diverges', async () => {
    for (const [eta, h] of [
      [0.1, 5],
      [0.2, 6],
      [0.05, 4],
    ]) {
      const bound = oneWorkerAlphaBound(eta, h);
      for (const [alpha, stable] of [
        [bound - 0.01, true],
        [bound + 0.01, false],
      ] as const) {
        // The closed-form bound agrees with the eigenvalues of the iteration …
        expect(oneWorkerRadius(eta, h, alpha) < 1).toBe(stable);
        const quadratics: Quadratic[] = [{ curvature: h, minimum: 1 }];
        const sync = simulateSync({ quadratics, eta, alpha, rounds: 4000 });
        // … and with the simulated runs, synchronous and through the asynchronous protocol.
        const asyncRun = await simulateAsync({
          config: { ...config({ workers: 1, alpha: 0.5 }), alpha },
          quadratics,
          eta,
          rounds: 4000,
        });
        for (const run of [sync, asyncRun]) {
          if (stable) {
            expect(run.diverged).toBe(false);
            expect(Math.abs(run.center[0] - 1)).toBeLessThan(1e-4);
          } else {
            expect(run.diverged).toBe(true);
          }
        }
      }
    }
  });
});

describe('asynchronous round robin (p = 4) on h = 1, c = (−1, 0, 1, 2), eta = 0.1', () => {
  const quadratics: Quadratic[] = [-1, 0, 1, 2].map((minimum) => ({ curvature: 1, minimum }));
  const rounds = 3000;

  /** Converged: finite, and the center repeats with the period tau of the round robin. */
  async function settles(method: string, tau: number): Promise<boolean> {
    const centers: number[] = [];
    const run = await simulateAsync({
      config: config({ method, workers: 4, tau }),
      quadratics,
      eta: 0.1,
      rounds,
      onRound: (_, center) => centers.push(center[0]),
    });
    if (run.diverged) return false;
    const last = centers[rounds - 1];
    expect(Math.abs(last)).toBeLessThan(3);
    return Math.abs(last - centers[rounds - 1 - tau]) < 1e-5;
  }

  test('DOWNPOUR converges at tau = 1 and 4 and diverges at 16 and 64', async () => {
    expect(await settles('downpour', 1)).toBe(true);
    expect(await settles('downpour', 4)).toBe(true);
    expect(await settles('downpour', 16)).toBe(false);
    expect(await settles('downpour', 64)).toBe(false);
  });

  test('EASGD and EAMSGD converge at tau = 1, 4, 16 and 64', async () => {
    for (const method of ['easgd', 'eamsgd']) {
      for (const tau of [1, 4, 16, 64])
        expect([method, tau, await settles(method, tau)]).toEqual([method, tau, true]);
    }
  });
});

describe('tree EASGD (two levels)', () => {
  test('every worker, local center and the global center settle between the minima', async () => {
    const groups = [
      [-1, 1],
      [2, 4],
    ].map((cs) => cs.map((minimum) => ({ curvature: 1, minimum })));
    const run = (rounds: number) =>
      simulateTree({ groups, eta: 0.1, alpha: 0.45, tau: 4, alphaUp: 0.45, tauUp: 8, rounds });
    const a = await run(3000);
    const b = await run(3000 + 8);
    expect(Math.abs(a.global[0] - b.global[0])).toBeLessThan(1e-5);
    expect(a.global[0]).toBeGreaterThan(-1);
    expect(a.global[0]).toBeLessThan(4);
    // The pull of the global center drags each machine's center towards the other machine.
    expect(a.locals[0][0]).toBeGreaterThan(0);
    expect(a.locals[1][0]).toBeLessThan(3);
  });
});
