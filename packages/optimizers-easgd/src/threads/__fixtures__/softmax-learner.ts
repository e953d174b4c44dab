import * as tf from '@tensorflow/tfjs-core';
import { createGradientLearner, softmaxCrossEntropy } from '@plasticity/core-tensors';
import type { Learner } from '@plasticity/core-tensors';

/** Softmax regression 4 → 3 with plain SGD, initialised from `seed`. */
export function softmaxLearner(seed: number): Learner {
  const params = {
    w: tf.variable(tf.randomNormal([4, 3], 0, 0.1, 'float32', seed)),
    b: tf.variable(tf.zeros([3])),
  };
  const scores = (input: tf.Tensor) =>
    tf.add(tf.matMul(input as tf.Tensor2D, params.w), params.b) as tf.Tensor2D;
  return createGradientLearner({
    params,
    loss: (batch) => softmaxCrossEntropy(scores(batch.x as tf.Tensor), batch.y),
    predict: (input) => scores(input as tf.Tensor),
    optimizer: 'sgd',
    learningRate: 0.5,
  });
}
