import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '@plasticity/core-tensors';

/** A solver state: named tensors or lists of tensors (one per layer). */
export type State = Record<string, tf.Tensor | readonly tf.Tensor[]>;

/** Every tensor of a state. */
export function tensorsOf(state: State): tf.Tensor[] {
  return Object.values(state).flatMap((value) => (value instanceof tf.Tensor ? [value] : [...value]));
}

/** Disposes the tensors of `state` that `keep` does not hold too. */
export function disposeState(state: State, keep?: State): void {
  const kept = new Set(keep ? tensorsOf(keep) : []);
  for (const t of tensorsOf(state)) if (!kept.has(t)) t.dispose();
}

export interface ConvergenceOptions {
  readonly maxIterations: number;
  readonly tolerance: number;
  readonly checkEvery: number;
  readonly divergenceBound: number;
}

/** What a check looks at: each sample's relative change, and the size of each state to watch. */
export interface Measure {
  /** `[B]`: ‖Δ‖/‖·‖ of the quantity whose settling defines convergence. */
  readonly change: tf.Tensor1D;
  /** Mean |value| of each watched state, keyed by a name a user understands ("controller u"). */
  readonly sizes: Readonly<Record<string, tf.Scalar>>;
}

export interface IterateResult<S extends State> {
  readonly state: S;
  readonly iterations: number;
  /** Largest per-sample relative change at the last check. */
  readonly residual: number;
  /** Fraction of samples whose change was above tolerance at the last check. */
  readonly unconverged: number;
}

/** Per-sample relative change ‖after − before‖/‖after‖ over several `[B, n]` blocks. */
export function relativeChange(before: readonly tf.Tensor[], after: readonly tf.Tensor[]): tf.Tensor1D {
  let diff: tf.Tensor | undefined;
  let size: tf.Tensor | undefined;
  before.forEach((b, i) => {
    const d = tf.sum(tf.squaredDifference(after[i], b), 1);
    const s = tf.sum(tf.square(after[i]), 1);
    diff = diff ? tf.add(diff, d) : d;
    size = size ? tf.add(size, s) : s;
  });
  // 1e-30 keeps 0/0 (a sample whose control is exactly zero and stays so) at 0.
  return tf.sqrt(tf.div(diff as tf.Tensor, tf.add(size as tf.Tensor, 1e-30))) as tf.Tensor1D;
}

/** Mean |x| over several tensors: NaN and ±Infinity propagate (a max would skip NaN). */
export function meanAbs(xs: readonly tf.Tensor[]): tf.Scalar {
  const total = xs.reduce((sum, x) => sum + x.size, 0);
  let acc: tf.Tensor | undefined;
  for (const x of xs) {
    const s = tf.sum(tf.abs(x));
    acc = acc ? tf.add(acc, s) : s;
  }
  return tf.div(acc as tf.Tensor, total) as tf.Scalar;
}

/**
 * Runs `step` until every sample's change is within tolerance or `maxIterations` is reached.
 * Each iteration runs in its own `tidy`; only every `checkEvery`-th iteration (and the last)
 * measures, reading a handful of numbers back with one `await data()`. A watched state that is
 * not finite or whose mean |value| exceeds `divergenceBound` stops with `E_DIVERGED` naming it.
 * Takes ownership of `initial`; the caller owns (and disposes) the returned state.
 */
export async function iterate<S extends State>(
  initial: S,
  step: (state: S, iteration: number) => S,
  measure: (before: S, after: S) => Measure,
  options: ConvergenceOptions,
  what: string,
): Promise<IterateResult<S>> {
  const { maxIterations, tolerance, checkEvery, divergenceBound } = options;
  let state = initial;
  let residual = Number.POSITIVE_INFINITY;
  let unconverged = 1;
  let iteration = 0;
  while (iteration < maxIterations) {
    iteration++;
    const check = iteration % checkEvery === 0 || iteration === maxIterations;
    let next: S;
    let stats: tf.Tensor1D | undefined;
    let names: string[] = [];
    let samples = 1;
    try {
      next = tf.tidy(() => step(state, iteration) as unknown as tf.TensorContainer) as unknown as S;
      if (check) {
        const m = tf.tidy(() => {
          const { change, sizes } = measure(state, next);
          names = Object.keys(sizes);
          samples = change.shape[0];
          return tf.concat([
            tf.stack([tf.max(change), tf.sum(tf.cast(tf.greater(change, tolerance), 'float32'))]),
            tf.stack(names.map((n) => sizes[n])),
          ]) as tf.Tensor1D;
        });
        stats = m;
      }
    } catch (error) {
      disposeState(state);
      throw error;
    }
    disposeState(state, next);
    state = next;
    if (stats) {
      const values = await stats.data();
      stats.dispose();
      const diverged = names.filter((_, i) => !(values[2 + i] <= divergenceBound));
      if (diverged.length > 0) {
        disposeState(state);
        const sizes = diverged.map(
          (name) => `mean |${name.split(' ').pop()}| = ${values[2 + names.indexOf(name)]}`,
        );
        throw new PlasticityError(
          'E_DIVERGED',
          `least-control: the ${diverged.join(' and the ')} diverged in the ${what} at iteration ${iteration} ` +
            `(${sizes.join(', ')}; divergenceBound ${divergenceBound}); use a smaller step dt, larger time constants or a smaller learning rate`,
          { states: diverged, iteration, solver: what },
        );
      }
      residual = values[0];
      unconverged = values[1] / samples;
      if (residual <= tolerance) break;
    }
  }
  return { state, iterations: iteration, residual, unconverged };
}
