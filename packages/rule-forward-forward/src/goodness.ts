import * as tf from '@tensorflow/tfjs-core';
import type { GoodnessKind, NormalizationKind } from './config.js';

// Keeps an all-zero row at zero instead of dividing by zero.
const TINY = 1e-8;

/** Goodness per sample `[B]`: sum or mean of squared activities. */
export function goodness(h: tf.Tensor2D, kind: GoodnessKind): tf.Tensor1D {
  const squares = tf.square(h);
  return (kind === 'sum' ? tf.sum(squares, 1) : tf.mean(squares, 1)) as tf.Tensor1D;
}

/**
 * Rows scaled to unit RMS (`rms`, Hinton's ffnormrows) or unit L2 norm (`length`), so that the
 * next layer sees only the direction of this layer's activity, not its goodness.
 */
export function normalizeRows(h: tf.Tensor2D, kind: NormalizationKind): tf.Tensor2D {
  const power = kind === 'rms' ? tf.mean(tf.square(h), 1, true) : tf.sum(tf.square(h), 1, true);
  return tf.div(h, tf.add(tf.sqrt(power), TINY));
}

export interface ObjectiveOptions {
  readonly goodness: GoodnessKind;
  readonly threshold: number;
  readonly temperature: number;
}

/** One layer's FF objective on a positive and a negative batch, with its gradients. */
export interface LayerObjective {
  /** Mean over samples of softplus((θ − g⁺)/T) + softplus((g⁻ − θ)/T). */
  readonly loss: tf.Scalar;
  /** ∂loss/∂z for the positive and negative pre-activations (ReLU's gate included). */
  readonly dPositive: tf.Tensor2D;
  readonly dNegative: tf.Tensor2D;
  readonly goodnessPositive: tf.Tensor1D;
  readonly goodnessNegative: tf.Tensor1D;
}

/**
 * The per-layer loss of Forward-Forward and its gradient with respect to the layer's
 * pre-activations, in closed form: with `h = relu(z)`, `∂g/∂z = 2h` (÷ width for mean
 * goodness), which is already zero where the ReLU is off. Nothing flows to the layer's input:
 * that is what makes the rule local.
 */
export function layerObjective(
  hPositive: tf.Tensor2D,
  hNegative: tf.Tensor2D,
  options: ObjectiveOptions,
): LayerObjective {
  const { threshold, temperature } = options;
  const batch = Math.max(hPositive.shape[0], 1);
  const gPos = goodness(hPositive, options.goodness);
  const gNeg = goodness(hNegative, options.goodness);
  const marginPos = tf.div(tf.sub(threshold, gPos), temperature); // large when the positive is too weak
  const marginNeg = tf.div(tf.sub(gNeg, threshold), temperature); // large when the negative is too good
  const loss = tf.div(
    tf.add(tf.sum(tf.softplus(marginPos)), tf.sum(tf.softplus(marginNeg))),
    batch,
  ) as tf.Scalar;
  const scale = (2 / temperature / batch) * (options.goodness === 'mean' ? 1 / hPositive.shape[1] : 1);
  // d softplus(m)/dm = σ(m); dm/dg is −1/T (positive) or +1/T (negative).
  const dPositive = tf.mul(
    tf.expandDims(tf.mul(tf.neg(tf.sigmoid(marginPos)), scale), 1),
    hPositive,
  ) as tf.Tensor2D;
  const dNegative = tf.mul(tf.expandDims(tf.mul(tf.sigmoid(marginNeg), scale), 1), hNegative) as tf.Tensor2D;
  return { loss, dPositive, dNegative, goodnessPositive: gPos, goodnessNegative: gNeg };
}
