import * as tf from '@tensorflow/tfjs-core';
import {
  disposeCheckpoint,
  loadCheckpoint,
  restoreParams,
  saveCheckpoint,
} from '../../checkpoint/checkpoint.js';
import { nodeIo } from '../../checkpoint/node-io.js';
import type { Learner } from '../../contract/learner.js';
import type { Batch } from '../../contract/task.js';
import { firstSeed, withBatches, withLearner } from './context.js';
import type { CheckContext } from './context.js';
import { firstDifference, hostCopies } from './tensors.js';

async function train(learner: Learner, batches: readonly Batch[]): Promise<void> {
  for (const batch of batches) await learner.trainStep(batch);
}

/**
 * Trains `original` and `resumed` on the same `batches` and throws naming the first param (or
 * prediction) where they part: a resumed run must equal the uninterrupted one, bit for bit on a
 * deterministic backend.
 */
async function expectSameContinuation(
  original: Learner,
  resumed: Learner,
  batches: readonly Batch[],
  how: string,
): Promise<void> {
  await train(original, batches);
  await train(resumed, batches);
  const params = firstDifference(await hostCopies(resumed.params), await hostCopies(original.params));
  if (params) throw new Error(`${how}, ${batches.length} more steps give other params: ${params}`);
  const [a, b] = [await original.predict(batches[0].x), await resumed.predict(batches[0].x)];
  const scores = firstDifference(await hostCopies({ scores: b }), await hostCopies({ scores: a }));
  tf.dispose([a, b]);
  if (scores) throw new Error(`${how}, predictions differ: ${scores}`);
}

/**
 * `saveState`/`loadState` resume is exact: a learner trained k steps, copied into a fresh one made
 * as a resumed run makes it (same config and seed; params by `restoreParams`, then `loadState` of
 * the saved state, freed right after) and both trained on, stay equal.
 */
export async function checkResume(context: CheckContext): Promise<void> {
  const { steps } = context.options;
  const half = Math.floor(steps / 2);
  await withBatches(context, steps, (batches) =>
    withLearner(context, firstSeed(context), async (original) => {
      await train(original, batches.slice(0, half));
      await withLearner(context, firstSeed(context), async (resumed) => {
        if (Boolean(original.saveState) !== Boolean(original.loadState)) {
          throw new Error('a learner has saveState and loadState both or neither');
        }
        restoreParams(resumed, original.params, 'the interrupted learner');
        resumed.learningRate = original.learningRate;
        if (original.saveState && resumed.loadState) {
          const state = await original.saveState();
          try {
            await resumed.loadState(state);
          } finally {
            tf.dispose(Object.values(state));
          }
        }
        await expectSameContinuation(original, resumed, batches.slice(half), `resumed after ${half} steps`);
      });
    }),
  );
}

/**
 * Checkpoints round-trip through safetensors: `saveCheckpoint` then `loadCheckpoint` gives back
 * every param and state tensor bit for bit, and a fresh learner restored from the files trains
 * on exactly like the original.
 */
export async function checkCheckpoint(context: CheckContext): Promise<void> {
  const { fs, path } = await nodeIo();
  const { tmpdir } = await import('node:os');
  const dir = await fs.mkdtemp(path.join(tmpdir(), `conformance-${context.plugin.name}-`));
  const { steps } = context.options;
  const half = Math.floor(steps / 2);
  try {
    await withBatches(context, steps, (batches) =>
      withLearner(context, firstSeed(context), async (original) => {
        await train(original, batches.slice(0, half));
        await saveCheckpoint(dir, { learner: original, config: context.config, epoch: 1 });
        const saved = await loadCheckpoint(dir);
        await withLearner(context, firstSeed(context), async (resumed) => {
          try {
            const params = firstDifference(
              await hostCopies(saved.params),
              await hostCopies(original.params),
              true,
            );
            if (params) throw new Error(`loaded params differ from the saved ones: ${params}`);
            if (original.saveState) {
              const state = await original.saveState();
              const stateDifference = firstDifference(
                await hostCopies(saved.state ?? {}),
                await hostCopies(state),
                true,
              );
              tf.dispose(Object.values(state));
              if (stateDifference)
                throw new Error(`loaded optimiser state differs from the saved one: ${stateDifference}`);
            }
            restoreParams(resumed, saved.params, dir);
            resumed.learningRate = original.learningRate;
            if (saved.state && resumed.loadState) await resumed.loadState(saved.state);
          } finally {
            disposeCheckpoint(saved);
          }
          await expectSameContinuation(
            original,
            resumed,
            batches.slice(half),
            `restored from a checkpoint after ${half} steps`,
          );
        });
      }),
    );
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
