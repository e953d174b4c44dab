import * as tf from '@tensorflow/tfjs-core';
import { softmaxCrossEntropy } from '@plasticity/core-tensors';
import type { ReadoutName } from './config.js';

export const READOUT_KERNEL = 'readout.kernel';
export const READOUT_BIAS = 'readout.bias';

/**
 * Per-sample features the linear readout classifies, `[B, F]`: the mean over bins of the top
 * hidden layer's intensities (`hidden`, from `[T·B, H]` rows, time-major), or ln(1 + count) of
 * each input channel's events over the window (`events`, from counts `[T, B, C]`).
 */
export function readoutFeatures(
  readout: ReadoutName,
  topHidden: tf.Tensor2D,
  counts: tf.Tensor3D,
): tf.Tensor2D {
  return tf.tidy(() => {
    const [steps, batch] = counts.shape;
    if (readout === 'events') return tf.log1p(tf.sum(counts, 0)) as tf.Tensor2D;
    return tf.mean(tf.reshape(topHidden, [steps, batch, -1]), 0) as tf.Tensor2D;
  });
}

/** Class scores of the linear readout. */
export function readoutScores(features: tf.Tensor2D, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => tf.add(tf.matMul(features, kernel as tf.Tensor2D), bias));
}

/**
 * Softmax cross-entropy of the readout on fixed features (logistic regression: the features
 * get no gradient, the network below learns only to predict events) and its gradients.
 */
export function readoutGradients(
  features: tf.Tensor2D,
  labels: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor,
): { loss: tf.Scalar; scores: tf.Tensor2D; grads: Record<string, tf.Tensor> } {
  return tf.tidy(() => {
    const scores = readoutScores(features, kernel, bias);
    const [dKernel, dBias] = tf.grads((k: tf.Tensor, b: tf.Tensor) =>
      softmaxCrossEntropy(readoutScores(features, k, b), labels),
    )([kernel, bias]);
    return {
      loss: softmaxCrossEntropy(scores, labels),
      scores,
      grads: { [READOUT_KERNEL]: dKernel, [READOUT_BIAS]: dBias },
    };
  });
}
