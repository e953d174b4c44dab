import * as tf from '@tensorflow/tfjs-core';
import type { ConvergenceOptions, IterateResult, Measure } from './iterate.js';
import { iterate, meanAbs, relativeChange } from './iterate.js';
import type { BoundNetwork } from './network.js';
import { activate, derivative } from './network.js';
import type { Objective } from './objective.js';

/** States the energy solver moves (v, v_pred; h = φ(v) kept alongside) and its Adam moments. */
export interface EnergyState extends Record<string, tf.Tensor | tf.Tensor[]> {
  v: tf.Tensor[];
  h: tf.Tensor[];
  vp: tf.Tensor;
  /** Adam first and second moments of [v₀ … v_{L−1}, v_pred]; empty for plain gradient descent. */
  m: tf.Tensor[];
  s: tf.Tensor[];
}

export interface EnergyContext {
  readonly net: BoundNetwork;
  readonly a: tf.Tensor2D;
  readonly objective: Objective;
  readonly alpha: number;
  readonly optimizer: 'adam' | 'gd';
  readonly learningRate: number;
}

// PyTorch's Adam defaults, as the paper's energy solver uses them.
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/** The controls a state implies: e_k = v_k − f_k(x, v), u = v_pred − dec(v). */
export function impliedControls(
  net: BoundNetwork,
  a: tf.Tensor,
  state: { v: readonly tf.Tensor[]; h: readonly tf.Tensor[]; vp: tf.Tensor },
): { e: tf.Tensor[]; u: tf.Tensor } {
  const e = state.v.map((v, k) => tf.sub(v, net.drive(k, a, state.h)));
  const u = tf.sub(state.vp, net.decode(state.h[state.h.length - 1]));
  return { e, u };
}

/**
 * ∂E/∂(v, v_pred) of the least-control energy
 *   E = ½Σ_k‖v_k − f_k(x, v)‖² + ½‖v_pred − dec(v)‖² + L(v_pred)/α
 * by hand (no autodiff tape per iteration): with e, u the implied controls,
 *   ∂E/∂v_k = e_k − φ′(v_k)⊙(e_{k+1}W_{k+1}ᵀ + e_k R_kᵀ)   (u Dᵀ for the last layer),
 *   ∂E/∂v_pred = u + ∇L(v_pred)/α.
 */
export function energyGradient(ctx: EnergyContext, state: EnergyState): tf.Tensor[] {
  const { net, a, objective, alpha } = ctx;
  const L = net.layers;
  const { e, u } = impliedControls(net, a, state);
  const grads = state.v.map((v, k) => {
    const d = derivative(net.spec.activation, v, state.h[k]);
    return tf.sub(e[k], net.back(k, d, k === L - 1 ? u : e[k + 1], e[k]));
  });
  grads.push(tf.add(u, tf.div(objective.gradient(state.vp), alpha)));
  return grads;
}

/** One descent step on the energy (Adam with bias correction, or plain gradient descent). */
export function energyStep(ctx: EnergyContext, state: EnergyState, iteration: number): EnergyState {
  const grads = energyGradient(ctx, state);
  const values = [...state.v, state.vp];
  let next: tf.Tensor[];
  let m: tf.Tensor[] = [];
  let s: tf.Tensor[] = [];
  if (ctx.optimizer === 'gd') {
    next = values.map((x, i) => tf.sub(x, tf.mul(grads[i], ctx.learningRate)));
  } else {
    const rate = (ctx.learningRate * Math.sqrt(1 - BETA2 ** iteration)) / (1 - BETA1 ** iteration);
    m = grads.map((g, i) => tf.add(tf.mul(state.m[i], BETA1), tf.mul(g, 1 - BETA1)));
    s = grads.map((g, i) => tf.add(tf.mul(state.s[i], BETA2), tf.mul(tf.square(g), 1 - BETA2)));
    next = values.map((x, i) => tf.sub(x, tf.div(tf.mul(m[i], rate), tf.add(tf.sqrt(s[i]), EPSILON))));
  }
  const v = next.slice(0, -1);
  const h = v.map((t) => activate(ctx.net.spec.activation, t));
  return { v, h, vp: next[next.length - 1], m, s };
}

/** A starting state for the energy solver from hidden states and output (taken over). */
export function energyStart(
  optimizer: 'adam' | 'gd',
  v: tf.Tensor[],
  h: tf.Tensor[],
  vp: tf.Tensor,
): EnergyState {
  const zeros = optimizer === 'adam' ? () => [...v, vp].map((t) => tf.zerosLike(t)) : () => [];
  return { v, h, vp, m: zeros(), s: zeros() };
}

/** Minimises the energy from `initial` (taken over) until the implied controls settle. */
export function solveEnergy(
  ctx: EnergyContext,
  initial: EnergyState,
  options: ConvergenceOptions,
): Promise<IterateResult<EnergyState>> {
  const measure = (before: EnergyState, after: EnergyState): Measure => {
    const c0 = impliedControls(ctx.net, ctx.a, before);
    const c1 = impliedControls(ctx.net, ctx.a, after);
    return {
      change: relativeChange([c0.u, ...c0.e], [c1.u, ...c1.e]),
      sizes: {
        'network state v': meanAbs(after.v),
        'output state v_pred': meanAbs([after.vp]),
      },
    };
  };
  return iterate<EnergyState>(
    initial,
    (state, iteration) => energyStep(ctx, state, iteration),
    measure,
    options,
    'energy solver',
  );
}
