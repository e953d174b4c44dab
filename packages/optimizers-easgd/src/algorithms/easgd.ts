import type { Vector } from './vector.js';
import { checkLengths, elasticDifference } from './vector.js';

export interface EasgdRates {
  /** Learning rate eta of the local gradient step. */
  readonly eta: number;
  /** Elastic rate alpha = eta·rho. */
  readonly alpha: number;
}

/**
 * One synchronous EASGD round for p workers, in place. Every elastic difference is taken from
 * the values before this round's gradient step (the paper's update):
 * `d_i = alpha (x_i − x̃)`, `x_i <- x_i − eta g_i − d_i`, `x̃ <- x̃ + Σ d_i`, which is
 * `x̃ <- (1 − beta) x̃ + beta mean(x_i)` with beta = p·alpha. `gradients[i]` is g_i(x_i) at the
 * pre-round x_i.
 */
export function easgdSyncRound(
  workers: readonly Vector[],
  center: Vector,
  gradients: readonly Vector[],
  rates: EasgdRates,
): void {
  if (gradients.length !== workers.length) {
    throw new RangeError(`easgdSyncRound: ${workers.length} workers but ${gradients.length} gradients`);
  }
  const pull = new Float64Array(center.length);
  workers.forEach((x, i) => {
    checkLengths(x, center, 'easgdSyncRound');
    checkLengths(gradients[i], center, 'easgdSyncRound');
    const d = elasticDifference(x, center, rates.alpha);
    for (let k = 0; k < x.length; k++) {
      x[k] -= rates.eta * gradients[i][k] + d[k];
      pull[k] += d[k];
    }
  });
  for (let k = 0; k < center.length; k++) center[k] += pull[k];
}

export interface NesterovRates {
  readonly eta: number;
  /** Momentum delta (the paper: 0.99). */
  readonly delta: number;
}

/**
 * EAMSGD's local step, in place: `v <- delta v − eta g(x + delta v)`, `x <- x + v` (Nesterov:
 * the gradient at the look-ahead point). The elastic exchange acts on x only, never on v.
 */
export function nesterovStep(
  x: Vector,
  velocity: Vector,
  gradient: (at: Float64Array) => ArrayLike<number>,
  rates: NesterovRates,
): void {
  checkLengths(x, velocity, 'nesterovStep');
  const ahead = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) ahead[k] = x[k] + rates.delta * velocity[k];
  const g = gradient(ahead);
  for (let k = 0; k < x.length; k++) {
    velocity[k] = rates.delta * velocity[k] - rates.eta * g[k];
    x[k] += velocity[k];
  }
}

/**
 * The one-worker stability bound on alpha for a quadratic of curvature h (needs 0 <= eta·h <= 2):
 * synchronous EASGD with p = 1 (beta = alpha) is stable iff `alpha <= (4 − 2 eta h)/(4 − eta h)`.
 */
export function oneWorkerAlphaBound(eta: number, curvature: number): number {
  const eh = eta * curvature;
  if (!(eh >= 0 && eh <= 2)) return Number.NaN;
  return (4 - 2 * eh) / (4 - eh);
}
