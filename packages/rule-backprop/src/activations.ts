import * as tf from '@tensorflow/tfjs-core';

/** Hidden-layer nonlinearities the MLP offers. */
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'elu', 'gelu'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

const SQRT1_2 = Math.SQRT1_2;

/** Applies `name` elementwise (differentiable on every backend: only ops with registered gradients). */
export function activate(name: ActivationName, x: tf.Tensor): tf.Tensor {
  switch (name) {
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'elu':
      return tf.elu(x);
    case 'gelu':
      // Exact GELU, x·Φ(x) = x/2·(1 + erf(x/√2)), as in PyTorch's default.
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, SQRT1_2)), 1));
  }
}
