import * as tf from '@tensorflow/tfjs-core';
import { meanSquaredError, softmaxCrossEntropy } from '@plasticity/core-tensors';

/**
 * The output loss L of one batch and its gradient. Both losses are means over the batch, as
 * `nn.CrossEntropyLoss` in the paper's code, so ∇L = scale·(pred(v_pred) − targets) with
 * scale = 1/B (softmax cross-entropy) or 2/B (summed squared error).
 */
export interface Objective {
  readonly kind: 'cross-entropy' | 'squared-error';
  /** One-hot labels or regression targets, `[B, outputs]` (owned: `dispose`). */
  readonly targets: tf.Tensor2D;
  readonly scale: number;
  /** softmax(v_pred) or v_pred itself. */
  pred(vp: tf.Tensor): tf.Tensor;
  /** ∇L(v_pred). */
  gradient(vp: tf.Tensor): tf.Tensor;
  loss(vp: tf.Tensor): tf.Scalar;
  dispose(): void;
}

export function createObjective(
  kind: 'classification' | 'regression',
  y: tf.Tensor,
  outputs: number,
): Objective {
  const batch = y.shape[0] as number;
  if (kind === 'classification') {
    const targets = tf.tidy(() =>
      tf.cast(tf.oneHot(tf.cast(tf.reshape(y, [-1]), 'int32'), outputs), 'float32'),
    ) as tf.Tensor2D;
    const scale = 1 / batch;
    return {
      kind: 'cross-entropy',
      targets,
      scale,
      pred: (vp) => tf.softmax(vp),
      gradient: (vp) => tf.mul(tf.sub(tf.softmax(vp), targets), scale),
      loss: (vp) => softmaxCrossEntropy(vp as tf.Tensor2D, y),
      dispose: () => targets.dispose(),
    };
  }
  const targets = tf.tidy(() => tf.reshape(tf.cast(y, 'float32'), [batch, outputs])) as tf.Tensor2D;
  const scale = 2 / batch;
  return {
    kind: 'squared-error',
    targets,
    scale,
    pred: (vp) => vp,
    gradient: (vp) => tf.mul(tf.sub(vp, targets), scale),
    loss: (vp) => meanSquaredError(vp as tf.Tensor2D, targets),
    dispose: () => targets.dispose(),
  };
}
