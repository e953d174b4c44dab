import * as tf from '@tensorflow/tfjs-core';
import { rowSquareSums, scaleRows, transposeTimes } from '@plasticity/core-tensors';
import type { NormalizationKind } from './config.js';

/**
 * Supervised FF writes a label code into the input: over the first `classes` features
 * (Hinton: MNIST's blank border pixels) or as `classes` extra features after them. Every code of a sample shares the image part, so
 * the first layer's image product `x_img·W` is computed once per batch and each code adds only
 * its rows of `W`: positive, negative, neutral and all ten goodness-inference passes cost one
 * big matmul instead of one each.
 */
export interface ImageProduct {
  /** `x_img·W₁ [B, H]`, the label features zeroed. */
  readonly product: tf.Tensor2D;
  /** `x_img [B, D]`. */
  readonly image: tf.Tensor2D;
  /** Σ x_img² per sample `[B]`. */
  readonly imagePower: tf.Tensor1D;
}

export interface LabelCoding {
  readonly classes: number;
  /** Input features of the data. */
  readonly features: number;
  /** `overwrite`: the label replaces features [0, classes); `append`: it follows them. */
  readonly placement: 'overwrite' | 'append';
  readonly strength: number;
  readonly normalization: NormalizationKind;
}

/** Features the first layer sees: the data's, plus the label's when appended. */
export const inputWidth = (coding: LabelCoding): number =>
  coding.features + (coding.placement === 'append' ? coding.classes : 0);

/** The kernel rows that read the label features `[classes, H]`. */
export const labelRows = (kernel: tf.Tensor2D, coding: LabelCoding): tf.Tensor2D =>
  tf.slice(kernel, [coding.placement === 'append' ? coding.features : 0, 0], [coding.classes, -1]);

/** The image part of a batch and its product with the first layer's kernel. */
export function imageProduct(x: tf.Tensor2D, kernel: tf.Tensor2D, coding: LabelCoding): ImageProduct {
  if (coding.placement === 'append') {
    const imageRows = tf.slice(kernel, [0, 0], [coding.features, -1]);
    return { image: x, product: tf.matMul(x, imageRows), imagePower: rowSquareSums(x) };
  }
  const keep = tf.concat([tf.zeros([1, coding.classes]), tf.ones([1, coding.features - coding.classes])], 1);
  const image = tf.mul(x, keep) as tf.Tensor2D;
  return { image, product: tf.matMul(image, kernel), imagePower: rowSquareSums(image) };
}

/**
 * What normalises each row of the labelled input `[B]`: one over its norm (RMS or length), from
 * the image power and the code's power.
 */
export function inputScale(imagePower: tf.Tensor1D, codePower: number, coding: LabelCoding): tf.Tensor1D {
  const power = tf.add(imagePower, codePower);
  const norm = tf.sqrt(coding.normalization === 'rms' ? tf.div(power, inputWidth(coding)) : power);
  return tf.reciprocal(tf.add(norm, 1e-8));
}

/** First-layer pre-activations with one-hot labels `y [B]` (int32) written in. */
export function labelledPre(
  image: ImageProduct,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  y: tf.Tensor1D,
  coding: LabelCoding,
): tf.Tensor2D {
  const rows = tf.gather(labelRows(kernel, coding), y);
  const scale = inputScale(image.imagePower, coding.strength ** 2, coding);
  return tf.add(scaleRows(tf.add(image.product, tf.mul(rows, coding.strength)), scale), bias);
}

/** First-layer pre-activations with the neutral label (every label feature = strength / classes). */
export function neutralPre(
  image: ImageProduct,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  coding: LabelCoding,
): tf.Tensor2D {
  const level = coding.strength / coding.classes;
  const rows = tf.mul(tf.sum(labelRows(kernel, coding), 0, true), level);
  const scale = inputScale(image.imagePower, coding.classes * level ** 2, coding);
  return tf.add(scaleRows(tf.add(image.product, rows), scale), bias);
}

/** First-layer pre-activations for every label, stacked label-major: `[classes·B, H]`. */
export function everyLabelPre(
  image: ImageProduct,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  coding: LabelCoding,
): tf.Tensor2D {
  const rows = tf.mul(labelRows(kernel, coding), coding.strength); // [C, H]
  const scale = inputScale(image.imagePower, coding.strength ** 2, coding);
  const batch = image.product.shape[0];
  const width = image.product.shape[1];
  const pre = tf.add(tf.expandDims(image.product, 0), tf.expandDims(rows, 1)); // [C, B, H]
  return tf.reshape(tf.add(tf.mul(pre, tf.expandDims(scale, 1)), bias), [coding.classes * batch, width]);
}

/**
 * Gradient of the first layer's kernel from the positive and negative passes: the image part
 * is one matmul over both passes (they share `x_img` and the norm), the label rows add the
 * one-hot parts.
 */
export function labelledKernelGrad(
  image: ImageProduct,
  dPositive: tf.Tensor2D,
  dNegative: tf.Tensor2D,
  y: tf.Tensor1D,
  yNegative: tf.Tensor1D,
  coding: LabelCoding,
): tf.Tensor2D {
  // ∂z/∂W carries the input's row scale: (s∘x)ᵀ·d = xᵀ·(s∘d).
  const scale = inputScale(image.imagePower, coding.strength ** 2, coding);
  const imagePart = transposeTimes(image.image, scaleRows(tf.add(dPositive, dNegative), scale));
  // Sums of rows per label as (s∘onehot)ᵀ·d (wasm has no UnsortedSegmentSum kernel).
  const scaledOneHot = (labels: tf.Tensor1D) =>
    scaleRows(tf.cast(tf.oneHot(labels, coding.classes), 'float32') as tf.Tensor2D, scale);
  const labelPart = tf.mul(
    tf.add(transposeTimes(scaledOneHot(y), dPositive), transposeTimes(scaledOneHot(yNegative), dNegative)),
    coding.strength,
  );
  if (coding.placement === 'append') return tf.concat([imagePart, labelPart]) as tf.Tensor2D;
  // Overwritten label features are zero in the image, so their rows of imagePart are zero.
  return tf.add(
    imagePart,
    tf.pad(labelPart, [
      [0, coding.features - coding.classes],
      [0, 0],
    ]),
  ) as tf.Tensor2D;
}
