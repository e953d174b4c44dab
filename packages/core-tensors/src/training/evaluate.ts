import * as tf from '@tensorflow/tfjs-core';
import type { Learner } from '../contract/learner.js';
import type { DataSplit } from '../contract/task.js';
import { PlasticityError } from '../errors/plasticity-error.js';
import type { EvalResult } from './events.js';

export interface EvaluateOptions {
  readonly batchSize: number;
  readonly signal?: AbortSignal;
}

/**
 * A regression batch's summed per-sample mean squared error of `scores` against float targets
 * `y [B, outputs]` (both on the device; the caller disposes the result).
 */
function squaredErrorSum(scores: tf.Tensor, y: tf.Tensor, size: number): tf.Scalar {
  return tf.tidy(() => {
    if (scores.rank !== 2 || y.rank !== 2 || scores.shape[0] !== size || scores.shape[1] !== y.shape[1]) {
      throw new PlasticityError(
        'E_SHAPE',
        `evaluate needs predictions [batch, outputs] like the regression targets; got predictions [${scores.shape}] and targets [${y.shape}] for a batch of ${size}`,
      );
    }
    return tf.div(tf.sum(tf.squaredDifference(scores, y)), y.shape[1] as number);
  });
}

/**
 * Mean softmax cross-entropy of `learner.predict` scores against integer labels, and accuracy
 * (argmax), over one pass of `split` in order. Float32 labels `[B, outputs]` are regression
 * targets: the loss is then the mean squared error over samples and outputs, and the accuracy
 * NaN (not defined for a regression).
 */
export async function evaluate(
  learner: Learner,
  split: DataSplit,
  options: EvaluateOptions,
): Promise<EvalResult> {
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new PlasticityError('E_CONFIG', `evaluate: batchSize must be an integer ≥ 1, got ${batchSize}`, {
      field: 'batchSize',
    });
  }
  let lossSum = 0;
  let correct = 0;
  let classified = 0;
  let count = 0;
  for await (const batch of split.batches({ batchSize, shuffle: false })) {
    options.signal?.throwIfAborted();
    const scores = await learner.predict(batch.x);
    if (batch.y.dtype === 'float32') {
      let sum: tf.Scalar;
      try {
        sum = squaredErrorSum(scores, batch.y, batch.size);
      } finally {
        scores.dispose();
      }
      lossSum += (await sum.data())[0];
      sum.dispose();
      count += batch.size;
      continue;
    }
    let sums: tf.Tensor;
    try {
      sums = tf.tidy(() => {
        if (scores.rank !== 2 || scores.shape[0] !== batch.size || batch.y.rank !== 1) {
          throw new PlasticityError(
            'E_SHAPE',
            `evaluate needs scores [batch, classes] and labels [batch]; got scores [${scores.shape}] and labels [${batch.y.shape}] for a batch of ${batch.size}`,
          );
        }
        const classes = scores.shape[1] as number;
        const labels = tf.cast(batch.y, 'int32');
        const logProbs = tf.logSoftmax(scores);
        const picked = tf.sum(tf.mul(tf.oneHot(labels, classes), logProbs));
        const hits = tf.sum(tf.cast(tf.equal(tf.argMax(scores, 1), labels), 'float32'));
        // oneHot maps an out-of-range label to zeros (loss 0): count them instead.
        const outside = tf.sum(
          tf.cast(tf.logicalOr(tf.less(labels, 0), tf.greaterEqual(labels, classes)), 'float32'),
        );
        return tf.stack([tf.neg(picked), hits, outside, tf.scalar(classes)]);
      });
    } finally {
      scores.dispose();
    }
    const [loss, hits, outside, classes] = await sums.data();
    sums.dispose();
    if (outside > 0) {
      throw new PlasticityError(
        'E_DATA_FORMAT',
        `evaluate: ${outside} labels outside [0, ${classes}) in a batch`,
      );
    }
    lossSum += loss;
    correct += hits;
    classified += batch.size;
    count += batch.size;
  }
  if (count === 0) throw new PlasticityError('E_DATA_FORMAT', 'evaluate: the split yielded no samples');
  return { loss: lossSum / count, accuracy: classified > 0 ? correct / classified : Number.NaN, count };
}
