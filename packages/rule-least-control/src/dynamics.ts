import * as tf from '@tensorflow/tfjs-core';
import type { FeedbackKind } from './config.js';
import { relax } from './free.js';
import type { ConvergenceOptions, IterateResult, Measure } from './iterate.js';
import { iterate, meanAbs, relativeChange } from './iterate.js';
import type { BoundNetwork } from './network.js';
import { activate, derivative } from './network.js';
import type { Objective } from './objective.js';

/** The controlled network's state: hidden v (and h = φ(v)), output v_pred, controller u, feedback e. */
export interface ControlledState extends Record<string, tf.Tensor | tf.Tensor[]> {
  v: tf.Tensor[];
  h: tf.Tensor[];
  vp: tf.Tensor;
  u: tf.Tensor;
  e: tf.Tensor[];
}

/** Constants of one batch's controlled dynamics. */
export interface DynamicsContext {
  readonly net: BoundNetwork;
  /** encode(x), `[B, hidden[0]]`. */
  readonly a: tf.Tensor2D;
  readonly objective: Objective;
  readonly alpha: number;
  /** dt/τv, dt/τu, dt/τe. */
  readonly rateV: number;
  readonly rateU: number;
  readonly rateE: number;
  readonly feedback: FeedbackKind;
  /** Linear feedback kernels `[outputs, width_k]`: e_k = u Q_k. */
  readonly feedbackKernels?: readonly tf.Tensor[];
  /** targets·rateU·scale, precomputed (the constant part of the controller's step). */
  readonly targetDrive: tf.Tensor;
}

export function dynamicsContext(base: Omit<DynamicsContext, 'targetDrive'>): DynamicsContext {
  const targetDrive = tf.mul(base.objective.targets, base.rateU * base.objective.scale);
  return { ...base, targetDrive };
}

/**
 * One Euler step of the controlled dynamics (Meulemans et al. 2022), in the order u → e → v →
 * v_pred, each using the others' newest values (semi-implicit: the same equilibrium as the
 * reference code's simultaneous update, reached in fewer iterations):
 *   τu u̇ = −∇L(v_pred) − αu                         (integral control of the output)
 *   τe ė = (∂(f − v)/∂v)ᵀe + (∂dec/∂v)ᵀu           (dynamic inversion), or e = Q u (linear)
 *   τv v̇ = f(x, v) − v + e,   τv v̇_pred = dec(v) − v_pred + u.
 * `noise` (one block per layer) is added to linear feedback while Q learns.
 */
export function controlledStep(
  ctx: DynamicsContext,
  s: ControlledState,
  noise?: readonly tf.Tensor[],
): ControlledState {
  const { net, a, objective, alpha, rateU, rateV, rateE } = ctx;
  const L = net.layers;
  const { activation } = net.spec;
  // u + rateU·(−scale·(pred − targets) − αu), with the targets' share precomputed.
  const decay = 1 - rateU * alpha;
  const pushed = tf.sub(ctx.targetDrive, tf.mul(objective.pred(s.vp), rateU * objective.scale));
  const u = decay === 0 ? pushed : tf.add(tf.mul(s.u, decay), pushed);

  const e: tf.Tensor[] = new Array(L);
  if (ctx.feedback === 'inversion') {
    for (let k = L - 1; k >= 0; k--) {
      const d = derivative(activation, s.v[k], s.h[k]);
      const target = net.back(k, d, k === L - 1 ? u : e[k + 1], s.e[k]);
      e[k] = relax(s.e[k], target, rateE);
    }
  } else {
    const kernels = ctx.feedbackKernels as readonly tf.Tensor[];
    for (let k = 0; k < L; k++) {
      const fb = tf.matMul(u as tf.Tensor2D, kernels[k] as tf.Tensor2D);
      e[k] = noise ? tf.add(fb, noise[k]) : fb;
    }
  }

  const h = [...s.h];
  const v = s.v.map((old, k) => {
    const next = relax(old, tf.add(net.drive(k, a, h), e[k]), rateV);
    h[k] = activate(activation, next);
    return next;
  });
  const vp = relax(s.vp, tf.add(net.decode(h[L - 1]), u), rateV);
  return { v, h, vp, u, e };
}

/** What a convergence check of the controlled dynamics looks at. */
export function measureControlled(before: ControlledState, after: ControlledState): Measure {
  return {
    change: relativeChange([before.u, ...before.e], [after.u, ...after.e]),
    sizes: {
      'network state v': meanAbs(after.v),
      'output state v_pred': meanAbs([after.vp]),
      'controller u': meanAbs([after.u]),
      'feedback e': meanAbs(after.e),
    },
  };
}

/** The controlled state at rest: u = e = 0 on top of hidden states `v`, `h` (taken over). */
export function restingState(
  net: BoundNetwork,
  v: tf.Tensor[],
  h: tf.Tensor[],
  outputs: number,
): ControlledState {
  return tf.tidy(() => {
    const batch = v[0].shape[0] as number;
    return {
      v,
      h,
      vp: net.decode(h[h.length - 1]),
      u: tf.zeros([batch, outputs]),
      e: v.map((t) => tf.zerosLike(t)),
    };
  }) as ControlledState;
}

/** Runs the controlled dynamics from `initial` (taken over) to equilibrium. */
export function solveDynamics(
  ctx: DynamicsContext,
  initial: ControlledState,
  options: ConvergenceOptions,
): Promise<IterateResult<ControlledState>> {
  return iterate<ControlledState>(
    initial,
    (s) => controlledStep(ctx, s),
    measureControlled,
    options,
    'dynamics solver',
  );
}
