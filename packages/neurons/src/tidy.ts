import * as tf from '@tensorflow/tfjs-core';

/**
 * `tf.tidy` for results typed as interfaces (tfjs' `TensorContainer` wants an index signature):
 * disposes the intermediates, keeps every tensor reachable from the result.
 */
export function tidy<T>(fn: () => T): T {
  return tf.tidy(fn as () => tf.TensorContainer) as T;
}
