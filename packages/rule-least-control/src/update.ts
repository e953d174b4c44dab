import * as tf from '@tensorflow/tfjs-core';
import { columnSums, paramName, transposeTimes } from '@plasticity/core-tensors';
import { impliedControls } from './energy.js';
import type { BoundNetwork } from './network.js';
import { derivative, modulate } from './network.js';

export interface LocalUpdate {
  /** Descent directions for the optimiser, by param name: −ΔW (minus the local update). */
  readonly grads: Record<string, tf.Tensor>;
  /** `[B]` norms of u* and of e* (all layers) per sample. */
  readonly controlU: tf.Tensor1D;
  readonly controlE: tf.Tensor1D;
}

/**
 * The least-control weight update at an equilibrium (v*, v_pred*) from its controls: the
 * dynamics' own u*, e* states, or those the states imply, e* = v* − f(x, v*) and
 * u* = v_pred* − dec(v*) (energy solver; the same at equilibrium, but computed as a difference
 * of two nearly equal numbers, so less precise when the control is tiny):
 *   ΔW_k = e*_k φ(v*_{k−1})ᵀ (x for the first layer),  ΔR_k = e*_k φ(v*_k)ᵀ,  Δb_k = e*_k,
 *   ΔD = u* φ(v*_L)ᵀ,  Δb_D = u*   (summed over the batch).
 * These are minus the gradient of ½‖v − f(x,v)‖² + ½‖v_pred − dec(v)‖² with respect to the
 * weights at fixed states, whatever solver found them. `modulateE` multiplies e* by φ′(v*)
 * first (linear feedback, as the reference code does).
 */
export function localUpdate(
  net: BoundNetwork,
  x: tf.Tensor2D,
  a: tf.Tensor2D,
  state: {
    v: readonly tf.Tensor[];
    h: readonly tf.Tensor[];
    vp: tf.Tensor;
    u?: tf.Tensor;
    e?: readonly tf.Tensor[];
  },
  modulateE = false,
): LocalUpdate {
  return tf.tidy(() => {
    const L = net.layers;
    const { e: raw, u } = state.u && state.e ? { e: state.e, u: state.u } : impliedControls(net, a, state);
    const e = modulateE
      ? raw.map((ek, k) => modulate(derivative(net.spec.activation, state.v[k], state.h[k]), ek))
      : raw;
    const grads: Record<string, tf.Tensor> = {};
    const pre = (k: number): tf.Tensor2D => (k === 0 ? x : state.h[k - 1]) as tf.Tensor2D;
    for (let k = 0; k <= L; k++) {
      const signal = tf.neg(k === L ? u : e[k]) as tf.Tensor2D;
      grads[paramName(k, 'kernel')] = transposeTimes(pre(k), signal);
      grads[paramName(k, 'bias')] = columnSums(signal);
      if (net.spec.recurrent && k < L) {
        grads[paramName(k, 'recurrent')] = transposeTimes(state.h[k] as tf.Tensor2D, signal);
      }
    }
    const norms = (blocks: readonly tf.Tensor[]): tf.Tensor1D =>
      tf.sqrt(blocks.map((t) => tf.sum(tf.square(t), 1)).reduce((p, q) => tf.add(p, q))) as tf.Tensor1D;
    return { grads, controlU: norms([u]), controlE: norms(raw) };
  });
}

/** Scales `grads` in place (new tensors) to global L2 norm ≤ `maxNorm`; returns the norm before. */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): tf.Scalar {
  const names = Object.keys(grads);
  const norm = tf.tidy(() =>
    tf.sqrt(names.map((n) => tf.sum(tf.square(grads[n]))).reduce((p, q) => tf.add(p, q))),
  ) as tf.Scalar;
  const scale = tf.tidy(() => tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-12))));
  for (const n of names) {
    const old = grads[n];
    grads[n] = tf.mul(old, scale);
    old.dispose();
  }
  scale.dispose();
  return norm;
}
