import * as tf from '@tensorflow/tfjs-core';
import { rowSquareSums, scaleRows } from '@plasticity/core-tensors';
import type { GoodnessKind, NormalizationKind } from './config.js';

// Keeps an all-zero row at zero instead of dividing by zero.
const TINY = 1e-8;

// Goodness and normalisation are both functions of each row's sum of squares, computed once per
// layer and pass (`squareSums`, from `rowSquareSums`) and handed to both.

/** Goodness per sample `[B]`: sum or mean of squared activities. */
export function goodness(h: tf.Tensor2D, kind: GoodnessKind, squareSums?: tf.Tensor1D): tf.Tensor1D {
  const sums = squareSums ?? rowSquareSums(h);
  return kind === 'sum' ? sums : tf.mul(sums, 1 / h.shape[1]);
}

/**
 * Rows scaled to unit RMS (`rms`, Hinton's ffnormrows) or unit L2 norm (`length`), so that the
 * next layer sees only the direction of this layer's activity, not its goodness.
 */
export function normalizeRows(
  h: tf.Tensor2D,
  kind: NormalizationKind,
  squareSums?: tf.Tensor1D,
): tf.Tensor2D {
  const sums = squareSums ?? rowSquareSums(h);
  const power = kind === 'rms' ? tf.mul(sums, 1 / h.shape[1]) : sums;
  return scaleRows(h, tf.reciprocal(tf.add(tf.sqrt(power), TINY)));
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
  squareSums?: { readonly positive: tf.Tensor1D; readonly negative: tf.Tensor1D },
): LayerObjective {
  const { threshold, temperature } = options;
  const batch = Math.max(hPositive.shape[0], 1);
  const gPos = goodness(hPositive, options.goodness, squareSums?.positive);
  const gNeg = goodness(hNegative, options.goodness, squareSums?.negative);
  const marginPos = tf.div(tf.sub(threshold, gPos), temperature); // large when the positive is too weak
  const marginNeg = tf.div(tf.sub(gNeg, threshold), temperature); // large when the negative is too good
  const loss = tf.div(
    tf.add(tf.sum(tf.softplus(marginPos)), tf.sum(tf.softplus(marginNeg))),
    batch,
  ) as tf.Scalar;
  const scale = (2 / temperature / batch) * (options.goodness === 'mean' ? 1 / hPositive.shape[1] : 1);
  // d softplus(m)/dm = σ(m); dm/dg is −1/T (positive) or +1/T (negative).
  const dPositive = scaleRows(hPositive, tf.mul(tf.sigmoid(marginPos), -scale));
  const dNegative = scaleRows(hNegative, tf.mul(tf.sigmoid(marginNeg), scale));
  return { loss, dPositive, dNegative, goodnessPositive: gPos, goodnessNegative: gNeg };
}
