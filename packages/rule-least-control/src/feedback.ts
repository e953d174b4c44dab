import * as tf from '@tensorflow/tfjs-core';
import { normalTensor } from '@plasticity/core-tensors';
import type { Rng } from '@plasticity/core-tensors';
import type { LinearFeedbackConfig } from './config.js';
import type { ControlledState, DynamicsContext } from './dynamics.js';
import { controlledStep } from './dynamics.js';
import { disposeState } from './iterate.js';
import { feedbackName } from './network.js';
import type { NetworkSpec } from './network.js';

/** Linear feedback kernels Q_k `[outputs, width_k]` (e_k = u Q_k), not trained by the optimiser. */
export function createFeedbackParams(
  spec: NetworkSpec,
  config: LinearFeedbackConfig,
  rng: Rng,
): Record<string, tf.Variable> {
  const params: Record<string, tf.Variable> = {};
  const std = config.initScale / Math.sqrt(spec.outputs);
  spec.hidden.forEach((width, k) => {
    params[feedbackName(k)] = tf.tidy(() =>
      tf.variable(normalTensor(rng.fork(feedbackName(k)), [spec.outputs, width], 0, std), false),
    );
  });
  return params;
}

/**
 * Learns Q from noise around the controlled equilibrium (the paper's linear-feedback rule): for
 * `steps` iterations an Ornstein–Uhlenbeck noise σε enters the hidden layers with the feedback,
 * e_k = u Q_k + σε_k, and Q follows the correlation of that feedback with the controller's reply:
 *   ΔQ_k = η·(−⟨(u − u*)ᵀ e_k⟩/σ² − λ Q_k)     (⟨·⟩: mean over samples and iterations).
 * At its fixed point Q u cancels the perturbations the controller sees, so the control reaches
 * the hidden layers along directions that move the output. `equilibrium` is taken over.
 * Noise is seeded by `seed` only (reproducible on resume).
 */
export function learnFeedback(
  ctx: DynamicsContext,
  equilibrium: ControlledState,
  kernels: readonly tf.Variable[],
  config: LinearFeedbackConfig,
  seed: number,
): void {
  const { steps, noise: sigma, noiseTau, learningRate, decay } = config;
  const keep = 1 - 1 / noiseTau;
  const kick = Math.sqrt(2 / noiseTau);
  const uStar = tf.clone(equilibrium.u);
  let state = equilibrium;
  let eps = tf.tidy(() => state.v.map((v, k) => tf.randomNormal(v.shape, 0, 1, 'float32', seed + k)));
  let acc = kernels.map((q) => tf.zeros(q.shape));
  const L = kernels.length;
  try {
    for (let t = 1; t <= steps; t++) {
      const next = tf.tidy(() => {
        const eNext = eps.map((e, k) =>
          tf.add(tf.mul(e, keep), tf.mul(tf.randomNormal(e.shape, 0, 1, 'float32', seed + t * L + k), kick)),
        );
        const stepped = controlledStep(
          ctx,
          state,
          eNext.map((e) => tf.mul(e, sigma)),
        );
        const du = tf.transpose(tf.sub(stepped.u, uStar)) as tf.Tensor2D;
        const accNext = acc.map((a, k) => tf.add(a, tf.matMul(du, stepped.e[k] as tf.Tensor2D)));
        return { stepped, eNext, accNext };
      });
      disposeState(state, next.stepped);
      tf.dispose([...eps, ...acc]);
      state = next.stepped;
      eps = next.eNext;
      acc = next.accNext;
    }
    const batch = uStar.shape[0] as number;
    tf.tidy(() => {
      kernels.forEach((q, k) => {
        const correlation = tf.div(acc[k], Math.max(1, steps) * batch * sigma * sigma);
        q.assign(tf.add(q, tf.mul(tf.add(correlation, tf.mul(q, decay)), -learningRate)));
      });
    });
  } finally {
    disposeState(state);
    tf.dispose([uStar, ...eps, ...acc]);
  }
}
