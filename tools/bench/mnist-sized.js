// Training throughput of a rule on seeded synthetic MNIST-sized batches (784 features, 10
// classes), shared by the `local` and `peers` suites.
import * as tf from '@tensorflow/tfjs-core';
import { createRng, parseConfig } from '@plasticity/core-tensors';
import { timeLoop } from './table.js';

export const MNIST_TASK = { input: { kind: 'dense', shape: [784] }, outputs: 10, kind: 'classification' };

/** `count` batches of uniform pixels and uniform labels from the seeded stream `stream`. */
export function mnistSizedBatches(batchSize, count, stream) {
  const rng = createRng(0).fork(stream);
  return Array.from({ length: count }, () => ({
    x: tf.tensor2d(rng.uniformArray(batchSize * 784, 0, 1), [batchSize, 784]),
    y: tf.tensor1d(
      Int32Array.from({ length: batchSize }, () => rng.int(10)),
      'int32',
    ),
    size: batchSize,
  }));
}

/**
 * Trains `rule` at `config` for at least `seconds` (after one warm-up step: optimiser slots,
 * worker start) on four batches in turn; returns samples/s, ms per step and the learner's threads.
 */
export async function measureTraining(rule, config, batchSize, seconds, stream) {
  const learner = rule.create(parseConfig(rule, config), MNIST_TASK, 0);
  const data = mnistSizedBatches(batchSize, 4, stream);
  try {
    await learner.trainStep(data[0]);
    const { steps, elapsed } = await timeLoop((i) => learner.trainStep(data[i % data.length]), seconds);
    return {
      samplesPerSecond: (steps * batchSize) / (elapsed / 1000),
      msPerStep: elapsed / steps,
      threads: learner.threads ?? 1,
    };
  } finally {
    tf.dispose(data.flatMap((b) => [b.x, b.y]));
    learner.dispose();
  }
}
