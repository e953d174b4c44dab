import * as tf from '@tensorflow/tfjs-core';

export interface PlateauOptions {
  /** Largest fraction of the layer that plateaus per sample, for each sign. */
  readonly fraction: number;
  /** Only units active in the forward pass can plateau. */
  readonly reluGate: boolean;
  /**
   * Stochastic selection: `[B, units]` uniforms in [0, 1); a unit is a candidate when its
   * uniform is below |signal|. Without it every unit with a signal is a candidate.
   */
  readonly uniforms?: tf.Tensor2D;
}

/** Mask of the `k` largest positive entries of each row (ties at the k-th value all count). */
function topPositive(values: tf.Tensor2D, k: number): tf.Tensor2D {
  return tf.tidy(() => {
    const positive = tf.greater(values, 0);
    if (k >= values.shape[1]) return positive as tf.Tensor2D;
    const kth = tf.slice(tf.topk(values, k).values, [0, k - 1], [-1, 1]);
    return tf.logicalAnd(positive, tf.greaterEqual(values, kth)) as tf.Tensor2D;
  });
}

/**
 * Plateaus of a hidden layer from its dendritic signal `[B, units]` (already clamped to
 * [−1, 1]): a unit plateaus where its signal is among the strongest `fraction` of the layer,
 * separately for positive and negative signals; the plateau's value is the signal. Others get 0.
 */
export function selectPlateaus(
  signal: tf.Tensor2D,
  activity: tf.Tensor2D,
  options: PlateauOptions,
): tf.Tensor2D {
  return tf.tidy(() => {
    let local: tf.Tensor2D = options.reluGate
      ? tf.where(tf.greater(activity, 0), signal, tf.zerosLike(signal))
      : signal;
    if (options.uniforms)
      local = tf.where(tf.less(options.uniforms, tf.abs(local)), local, tf.zerosLike(local));
    const k = Math.max(1, Math.ceil(options.fraction * signal.shape[1]));
    const chosen = tf.logicalOr(topPositive(local, k), topPositive(tf.neg(local), k));
    return tf.where(chosen, local, tf.zerosLike(local)) as tf.Tensor2D;
  });
}
