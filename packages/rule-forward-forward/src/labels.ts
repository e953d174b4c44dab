import * as tf from '@tensorflow/tfjs-core';
import { transposeTimes } from '@plasticity/core-tensors';
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
  /** Σ x_img² per sample `[B, 1]`. */
  readonly imagePower: tf.Tensor2D;
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
    return { image: x, product: tf.matMul(x, imageRows), imagePower: tf.sum(tf.square(x), 1, true) };
  }
  const keep = tf.concat([tf.zeros([1, coding.classes]), tf.ones([1, coding.features - coding.classes])], 1);
  const image = tf.mul(x, keep) as tf.Tensor2D;
  return { image, product: tf.matMul(image, kernel), imagePower: tf.sum(tf.square(image), 1, true) };
}

/** Row norms (RMS or length) of the labelled input, from the image power and the code's power. */
export function inputNorm(imagePower: tf.Tensor2D, codePower: number, coding: LabelCoding): tf.Tensor2D {
  const power = tf.add(imagePower, codePower);
  return tf.add(
    tf.sqrt(coding.normalization === 'rms' ? tf.div(power, inputWidth(coding)) : power),
    1e-8,
  ) as tf.Tensor2D;
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
  const norm = inputNorm(image.imagePower, coding.strength ** 2, coding);
  return tf.add(tf.div(tf.add(image.product, tf.mul(rows, coding.strength)), norm), bias);
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
  const norm = inputNorm(image.imagePower, coding.classes * level ** 2, coding);
  return tf.add(tf.div(tf.add(image.product, rows), norm), bias);
}

/** First-layer pre-activations for every label, stacked label-major: `[classes·B, H]`. */
export function everyLabelPre(
  image: ImageProduct,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  coding: LabelCoding,
): tf.Tensor2D {
  const rows = tf.mul(labelRows(kernel, coding), coding.strength); // [C, H]
  const norm = inputNorm(image.imagePower, coding.strength ** 2, coding);
  const batch = image.product.shape[0];
  const width = image.product.shape[1];
  const pre = tf.add(tf.expandDims(image.product, 0), tf.expandDims(rows, 1)); // [C, B, H]
  return tf.reshape(tf.add(tf.div(pre, norm), bias), [coding.classes * batch, width]);
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
  const norm = inputNorm(image.imagePower, coding.strength ** 2, coding);
  const dPos = tf.div(dPositive, norm);
  const dNeg = tf.div(dNegative, norm);
  const imagePart = transposeTimes(image.image, tf.add(dPos, dNeg) as tf.Tensor2D);
  // Sums of rows per label as onehotᵀ·d (wasm has no UnsortedSegmentSum kernel).
  const oneHot = (labels: tf.Tensor1D) =>
    tf.cast(tf.oneHot(labels, coding.classes), 'float32') as tf.Tensor2D;
  const labelPart = tf.mul(
    tf.add(
      transposeTimes(oneHot(y), dPos as tf.Tensor2D),
      transposeTimes(oneHot(yNegative), dNeg as tf.Tensor2D),
    ),
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
