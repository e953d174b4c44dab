import * as tf from '@tensorflow/tfjs-core';
import type { ConvergenceOptions } from './iterate.js';
import { iterate, meanAbs, relativeChange } from './iterate.js';
import type { BoundNetwork } from './network.js';
import { activate, forwardPass } from './network.js';

/** Hidden states and their activities: v and h = φ(v), one `[B, width]` block per layer. */
export interface FreeState extends Record<string, tf.Tensor[]> {
  v: tf.Tensor[];
  h: tf.Tensor[];
}

export interface FreeResult {
  readonly state: FreeState;
  /** Fixed-point iterations (0 for a feed-forward network: one pass is exact). */
  readonly iterations: number;
  readonly residual: number;
  readonly unconverged: number;
}

/** `old + rate·(target − old)`: one Euler step of τ ẋ = target − x with rate dt/τ (1: x = target). */
export function relax(old: tf.Tensor, target: tf.Tensor, rate: number): tf.Tensor {
  return rate === 1 ? target : tf.add(old, tf.mul(tf.sub(target, old), rate));
}

/**
 * The uncontrolled network's equilibrium v = f(x, v) for `a` = encode(x). Feed-forward: the
 * forward pass. Recurrent: Euler steps of τv v̇ = f(x, v) − v from the forward pass (recurrence
 * off), each layer using the newest activity of the one below, until v settles.
 */
export async function freeEquilibrium(
  net: BoundNetwork,
  a: tf.Tensor2D,
  rate: number,
  options: ConvergenceOptions,
): Promise<FreeResult> {
  const start = tf.tidy(() => {
    const { v, h } = forwardPass(net, a);
    // forwardPass returns `a` itself as v₀; the state must own its tensors.
    return { v: v.map((t) => (t === a ? tf.clone(t) : t)), h };
  }) as FreeState;
  if (!net.spec.recurrent) return { state: start, iterations: 0, residual: 0, unconverged: 0 };
  const { activation } = net.spec;
  const step = (s: FreeState): FreeState => {
    const h = [...s.h];
    const v = s.v.map((old, k) => {
      const next = relax(old, net.drive(k, a, h), rate);
      h[k] = activate(activation, next);
      return next;
    });
    return { v, h };
  };
  const result = await iterate<FreeState>(
    start,
    step,
    (before, after) => ({
      change: relativeChange(before.v, after.v),
      sizes: { 'free network state v': meanAbs(after.v) },
    }),
    options,
    'free equilibrium',
  );
  return result;
}
