import { evaluate } from '../../training/evaluate.js';
import { firstSeed, withLearner } from './context.js';
import type { CheckContext } from './context.js';

/** Learning on the tiny task beats chance by a wide margin: test accuracy reaches the bar. */
export async function checkLearning(context: CheckContext): Promise<void> {
  const { learning, batchSize } = context.options;
  const data = context.options.data();
  await withLearner(context, firstSeed(context), async (learner) => {
    for (let epoch = 0; epoch < learning.epochs; epoch++) {
      for await (const batch of data.train.batches({ batchSize, seed: 0, epoch }))
        await learner.trainStep(batch);
    }
    const { accuracy } = await evaluate(learner, data.test ?? data.train, { batchSize });
    if (!(accuracy >= learning.accuracy)) {
      throw new Error(
        `accuracy ${accuracy.toFixed(3)} after ${learning.epochs} epochs, below the bar ${learning.accuracy.toFixed(3)} (chance ${learning.chance.toFixed(3)})`,
      );
    }
  });
}
