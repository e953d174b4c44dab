import { easgdSyncRound, nesterovStep } from '../algorithms/easgd.js';
import type { EasgdConfig } from '../config.js';
import { MemoryStore } from '../store/memory-store.js';
import type { CenterStore } from '../store/center-store.js';
import { ElasticClient } from '../worker/elastic-client.js';
import type { ExchangeOrder } from '../worker/elastic-client.js';
import { ElasticLink } from '../worker/elastic-link.js';

/** `f(x) = Σ_k h_k/2 (x_k − c_k)²`: a diagonal quadratic; numbers broadcast over the dimensions. */
export interface Quadratic {
  readonly curvature: number | readonly number[];
  readonly minimum: number | readonly number[];
}

/** Values of `|center|` beyond this count as divergence (the run stops there). */
export const DIVERGED_AT = 1e12;

function component(value: number | readonly number[], k: number): number {
  return typeof value === 'number' ? value : value[k];
}

/** `∇f(x) = h ⊙ (x − c)`. */
export function quadraticGradient(f: Quadratic, x: ArrayLike<number>): Float64Array {
  const g = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) g[k] = component(f.curvature, k) * (x[k] - component(f.minimum, k));
  return g;
}

export interface SyncSimulationOptions {
  readonly quadratics: readonly Quadratic[];
  readonly eta: number;
  readonly alpha: number;
  readonly rounds: number;
  readonly dimensions?: number;
  /** Start of every worker and the center (default zeros). */
  readonly start?: number;
}

export interface SimulationResult {
  readonly center: Float32Array | Float64Array;
  readonly workers: readonly (Float32Array | Float64Array)[];
  /** Whether the center left `±DIVERGED_AT` or stopped being finite. */
  readonly diverged: boolean;
  /** Rounds completed (fewer than asked when it diverged). */
  readonly rounds: number;
}

/** Synchronous EASGD in float64 (for closed forms): every worker steps, then all exchange at once. */
export function simulateSync(options: SyncSimulationOptions): SimulationResult {
  const n = options.dimensions ?? 1;
  const start = options.start ?? 0;
  const workers = options.quadratics.map(() => new Float64Array(n).fill(start));
  const center = new Float64Array(n).fill(start);
  for (let r = 0; r < options.rounds; r++) {
    const grads = workers.map((x, i) => quadraticGradient(options.quadratics[i], x));
    easgdSyncRound(workers, center, grads, { eta: options.eta, alpha: options.alpha });
    if (divergedAt(center)) return { center, workers, diverged: true, rounds: r + 1 };
  }
  return { center, workers, diverged: false, rounds: options.rounds };
}

export interface AsyncSimulationOptions {
  /** Method, tau and alpha (delta for EAMSGD); `workers` must equal the number of quadratics. */
  readonly config: EasgdConfig;
  readonly quadratics: readonly Quadratic[];
  readonly eta: number;
  readonly rounds: number;
  readonly dimensions?: number;
  readonly start?: number;
  readonly order?: ExchangeOrder;
  /** Defaults to a fresh MemoryStore. */
  readonly store?: CenterStore;
  /** Called after every round with the center (e.g. to record a trajectory). */
  readonly onRound?: (round: number, center: Float32Array) => void;
}

/**
 * p asynchronous workers, deterministic round robin: in each round worker 0, 1, …, p−1 takes
 * one local step through `ElasticClient` (each with its own clock, so each exchanges every tau
 * of its own steps) against a shared `CenterStore`. Local steps are plain gradient steps, or
 * Nesterov steps for EAMSGD.
 */
export async function simulateAsync(options: AsyncSimulationOptions): Promise<SimulationResult> {
  const n = options.dimensions ?? 1;
  const start = options.start ?? 0;
  const { config, eta } = options;
  if (config.workers !== options.quadratics.length) {
    throw new RangeError(
      `simulateAsync: ${config.workers} workers but ${options.quadratics.length} quadratics`,
    );
  }
  const store = options.store ?? new MemoryStore(n);
  await store.init(new Float32Array(n).fill(start));
  const workers = options.quadratics.map(() => new Float32Array(n).fill(start));
  const velocities = options.quadratics.map(() => new Float64Array(n));
  const clients = options.quadratics.map(
    (_, i) => new ElasticClient({ store, config, workerId: `w${i}`, order: options.order }),
  );
  const localStep = (i: number) => () => {
    const f = options.quadratics[i];
    const x = workers[i];
    if (config.method === 'eamsgd') {
      nesterovStep(x, velocities[i], (at) => quadraticGradient(f, at), { eta, delta: config.delta });
    } else {
      const g = quadraticGradient(f, x);
      for (let k = 0; k < n; k++) x[k] -= eta * g[k];
    }
  };
  let center = await store.read();
  for (let r = 0; r < options.rounds; r++) {
    for (let i = 0; i < workers.length; i++) {
      await clients[i].stepAround({
        read: () => workers[i],
        write: (x) => void (x === workers[i] || workers[i].set(x)),
        step: localStep(i),
      });
    }
    center = await store.read();
    options.onRound?.(r, center);
    if (divergedAt(center) || workers.some(divergedAt))
      return { center, workers, diverged: true, rounds: r + 1 };
  }
  return { center, workers, diverged: false, rounds: options.rounds };
}

export interface TreeSimulationOptions {
  /** Quadratics of the workers, grouped by machine (each group shares a local center). */
  readonly groups: readonly (readonly Quadratic[])[];
  readonly eta: number;
  /** Worker ↔ local center: elastic rate and period (in the worker's steps). */
  readonly alpha: number;
  readonly tau: number;
  /** Local center ↔ global center: elastic rate and period (in rounds). */
  readonly alphaUp: number;
  readonly tauUp: number;
  readonly rounds: number;
  readonly dimensions?: number;
  /** Start of every worker and center; a number or one per group (workers and local center). */
  readonly start?: number | readonly number[];
}

export interface TreeSimulationResult {
  readonly global: Float32Array;
  readonly locals: readonly Float32Array[];
  readonly workers: readonly (readonly Float32Array[])[];
}

/**
 * Two-level tree EASGD, round robin: each round every worker takes one step (exchanging with its
 * group's local center every tau of its steps), then every local center ticks its `ElasticLink`
 * to the global center (exchanging every tauUp rounds).
 */
export async function simulateTree(options: TreeSimulationOptions): Promise<TreeSimulationResult> {
  const n = options.dimensions ?? 1;
  const startOf = (g: number) =>
    typeof options.start === 'number' ? options.start : (options.start?.[g] ?? 0);
  const global = new MemoryStore(n);
  await global.init(new Float32Array(n).fill(typeof options.start === 'number' ? options.start : 0));
  const groups = await Promise.all(
    options.groups.map(async (quadratics, g) => {
      const local = new MemoryStore(n);
      await local.init(new Float32Array(n).fill(startOf(g)));
      const config: EasgdConfig = {
        method: 'easgd',
        workers: quadratics.length,
        tau: options.tau,
        beta: options.alpha * quadratics.length,
        alpha: options.alpha,
        delta: 0,
        synchronous: false,
      };
      return {
        local,
        link: new ElasticLink({
          lower: local,
          upper: global,
          alpha: options.alphaUp,
          tau: options.tauUp,
          id: `g${g}`,
        }),
        workers: quadratics.map((f) => ({
          f,
          x: new Float32Array(n).fill(startOf(g)),
          client: new ElasticClient({ store: local, config, workerId: `g${g}w` }),
        })),
      };
    }),
  );
  for (let r = 0; r < options.rounds; r++) {
    for (const group of groups) {
      for (const w of group.workers) {
        await w.client.stepAround({
          read: () => w.x,
          write: () => undefined,
          step: () => {
            const g = quadraticGradient(w.f, w.x);
            for (let k = 0; k < n; k++) w.x[k] -= options.eta * g[k];
          },
        });
      }
    }
    for (const group of groups) await group.link.tick();
  }
  return {
    global: await global.read(),
    locals: await Promise.all(groups.map((g) => g.local.read())),
    workers: groups.map((g) => g.workers.map((w) => w.x)),
  };
}

function divergedAt(v: ArrayLike<number>): boolean {
  for (let k = 0; k < v.length; k++) if (!(Math.abs(v[k]) < DIVERGED_AT)) return true;
  return false;
}
