import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '@plasticity/core-tensors';
import type { DataSplit, Learner } from '@plasticity/core-tensors';

/** The confusion matrix `[label][predicted]` of a split, from the learner's argmax predictions. */
export async function confusionOf(
  learner: Learner,
  split: DataSplit,
  classes: number,
  batchSize: number,
): Promise<number[][]> {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for await (const batch of split.batches({ batchSize, shuffle: false })) {
    const scores = await learner.predict(batch.x);
    const predicted = tf.argMax(scores, 1);
    scores.dispose();
    const [p, y] = await Promise.all([predicted.data(), batch.y.data()]);
    predicted.dispose();
    for (let i = 0; i < p.length; i++) {
      const label = y[i];
      if (label < 0 || label >= classes) {
        throw new PlasticityError('E_DATA_FORMAT', `label ${label} is outside the run's ${classes} classes`, {
          label,
          classes,
        });
      }
      confusion[label][p[i]] += 1;
    }
  }
  return confusion;
}
