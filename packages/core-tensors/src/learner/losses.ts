import * as tf from '@tensorflow/tfjs-core';

/**
 * Mean softmax cross-entropy of `logits [B, C]` against int labels `[B]`. Numerically safe
 * (`logSoftmax` subtracts the row maximum), and built from a one-hot product rather than
 * `gather`, whose gradient (UnsortedSegmentSum) the wasm backend lacks.
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor): tf.Scalar {
  const classes = logits.shape[1];
  const oneHot = tf.oneHot(tf.cast(tf.reshape(labels, [-1]), 'int32'), classes);
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1)));
}

/** Mean over the batch of the summed squared error (regression tasks). */
export function meanSquaredError(outputs: tf.Tensor2D, targets: tf.Tensor): tf.Scalar {
  return tf.mean(tf.sum(tf.squaredDifference(outputs, tf.reshape(targets, outputs.shape)), 1));
}
