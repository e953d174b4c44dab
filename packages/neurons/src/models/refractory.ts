import * as tf from '@tensorflow/tfjs-core';

/** 1 where a neuron may integrate and spike (no refractory steps left), else 0. */
export function notRefractory(remaining: tf.Tensor): tf.Tensor {
  // greaterEqual, not lessEqual: tfjs registers a (zero) gradient only for the former.
  return tf.cast(tf.greaterEqual(0, remaining), 'float32');
}

/**
 * Remaining refractory steps after this step: `steps` for neurons that just spiked, one fewer
 * (not below 0) for the others. `spiked` must carry no gradient.
 */
export function nextRefractory(remaining: tf.Tensor, spiked: tf.Tensor, steps: number): tf.Tensor {
  return tf.add(tf.mul(spiked, steps), tf.mul(tf.relu(tf.sub(remaining, 1)), tf.sub(1, spiked)));
}
