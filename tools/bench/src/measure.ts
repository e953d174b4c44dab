import * as tf from '@tensorflow/tfjs-core';
import type { Batch, Learner } from '@plasticity/core-tensors';

export interface TrainStepCost {
  readonly trainSteps: number;
  readonly samplesPerSecond: number;
  readonly msPerTrainStep: number;
  /** `tf.profile`'s peak bytes of one step, and the same without what was live before it. */
  readonly peakBytes: number;
  readonly peakStepBytes: number;
}

/**
 * Times `learner.trainStep` over `batches` (cycled) for at least `minSteps` steps and `seconds`
 * seconds, after one warm-up step (optimiser slots, kernel compilation) and one profiled step.
 */
export async function measureTrainSteps(
  learner: Learner,
  batches: readonly Batch[],
  batchSize: number,
  { seconds, minSteps }: { readonly seconds: number; readonly minSteps: number },
): Promise<TrainStepCost> {
  await learner.trainStep(batches[0]);
  const before = tf.memory().numBytes;
  const profile = await tf.profile(() => learner.trainStep(batches[1 % batches.length]));
  let trainSteps = 0;
  const start = performance.now();
  let elapsed = 0;
  while (trainSteps < minSteps || elapsed < seconds * 1000) {
    await learner.trainStep(batches[trainSteps % batches.length]);
    trainSteps++;
    elapsed = performance.now() - start;
  }
  return {
    trainSteps,
    samplesPerSecond: (trainSteps * batchSize) / (elapsed / 1000),
    msPerTrainStep: elapsed / trainSteps,
    peakBytes: profile.peakBytes,
    peakStepBytes: profile.peakBytes - before,
  };
}
