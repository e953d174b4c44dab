import * as tf from '@tensorflow/tfjs-core';

/** A uniformly drawn wrong label for each sample: `(y + 1 + k) mod C`, `k ~ U{0 … C−2}`. */
export function randomWrongLabels(y: tf.Tensor1D, classes: number, seed: number): tf.Tensor1D {
  const shift = tf.floor(tf.randomUniform(y.shape, 1, classes, 'float32', seed));
  return tf.cast(
    tf.mod(tf.add(tf.cast(y, 'float32'), tf.minimum(shift, classes - 1)), classes),
    'int32',
  ) as tf.Tensor1D;
}

/**
 * Hard negatives (Hinton): a wrong label drawn in proportion to the probability the network
 * gives it, from the one-pass softmax's logits — the true label is masked out. Sampled with
 * the Gumbel-max trick (tfjs-cpu's multinomial ignores the probabilities in 4.22).
 */
export function hardWrongLabels(
  logits: tf.Tensor2D,
  y: tf.Tensor1D,
  classes: number,
  seed: number,
): tf.Tensor1D {
  const masked = tf.sub(logits, tf.mul(tf.oneHot(y, classes), 1e4));
  const u = tf.randomUniform(logits.shape, 1e-7, 1, 'float32', seed);
  return tf.cast(tf.argMax(tf.sub(masked, tf.log(tf.neg(tf.log(u)))), 1), 'int32') as tf.Tensor1D;
}

/**
 * Hybrid images for unsupervised FF (Hinton §3.2): `m·a + (1 − m)·b` where `b` is another
 * sample of the batch and `m` is a random bit image blurred `blurs` times with `[¼, ½, ¼]`
 * horizontally and vertically, then thresholded at ½ — large coherent regions, so the
 * negatives share short-range statistics with real images but not their long-range shape.
 */
export function hybridImages(
  x: tf.Tensor2D,
  partner: tf.Tensor1D,
  shape: readonly [number, number],
  blurs: number,
  seed: number,
): tf.Tensor2D {
  const [batch, features] = x.shape;
  const [height, width] = shape;
  let mask = tf.cast(
    tf.less(tf.randomUniform([batch, height, width, 1], 0, 1, 'float32', seed), 0.5),
    'float32',
  ) as tf.Tensor4D;
  const taps = tf.tensor1d([0.25, 0.5, 0.25]);
  const horizontal = tf.reshape(taps, [1, 3, 1, 1]) as tf.Tensor4D;
  const vertical = tf.reshape(taps, [3, 1, 1, 1]) as tf.Tensor4D;
  for (let k = 0; k < blurs; k++) {
    mask = tf.conv2d(tf.conv2d(mask, horizontal, 1, 'same'), vertical, 1, 'same');
  }
  const m = tf.reshape(tf.cast(tf.greater(mask, 0.5), 'float32'), [batch, features]);
  const other = tf.gather(x, partner);
  return tf.add(tf.mul(m, x), tf.mul(tf.sub(1, m), other)) as tf.Tensor2D;
}
