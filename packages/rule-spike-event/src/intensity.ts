import * as tf from '@tensorflow/tfjs-core';

/**
 * Intensity functions λ = f(u): `exp` (f'/f = 1, so the rule's update at a spike is ±η x) and
 * `softplus` (ln(1 + eᵘ), f'/f = σ(u)/softplus(u), which grows at most linearly in u).
 */
export const INTENSITIES = ['exp', 'softplus'] as const;
export type IntensityName = (typeof INTENSITIES)[number];

/** λ = f(u). */
export function intensity(name: IntensityName, u: tf.Tensor): tf.Tensor {
  return name === 'exp' ? tf.exp(u) : tf.softplus(u);
}

/** f'(u): how the intensity moves with the drive (what carries the error down a layer). */
export function intensitySlope(name: IntensityName, u: tf.Tensor): tf.Tensor {
  return name === 'exp' ? tf.exp(u) : tf.sigmoid(u);
}

/** (f'/f)(u) = d ln f / du: the factor of the update at a spike. */
export function logIntensitySlope(name: IntensityName, u: tf.Tensor): tf.Tensor {
  return tf.tidy(() => (name === 'exp' ? tf.onesLike(u) : tf.div(tf.sigmoid(u), tf.softplus(u))));
}

/** f⁻¹(λ) for λ > 0 on the host: the drive that gives intensity λ (to start biases at a rate). */
export function inverseIntensity(name: IntensityName, rate: number): number {
  return name === 'exp' ? Math.log(rate) : Math.log(Math.expm1(rate));
}
