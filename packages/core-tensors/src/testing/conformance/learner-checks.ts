import * as tf from '@tensorflow/tfjs-core';
import { packEventBatch } from '../../contract/events.js';
import type { Learner } from '../../contract/learner.js';
import type { BatchInput, TaskSpec } from '../../contract/task.js';
import { isPlasticityError } from '../../errors/plasticity-error.js';
import { expectNoLeaks } from '../leaks.js';
import { firstSeed, withBatches, withLearner } from './context.js';
import type { CheckContext } from './context.js';
import { anyValueDiffers, firstDifference, hostCopies } from './tensors.js';

/** Same seed, same parameters (bit for bit, on every backend); different seeds, different ones. */
export async function checkSeeds(context: CheckContext): Promise<void> {
  const paramsOf = (seed: number) => withLearner(context, seed, (learner) => hostCopies(learner.params));
  const bySeed = [];
  for (const seed of context.options.seeds) {
    const first = await paramsOf(seed);
    const difference = firstDifference(await paramsOf(seed), first, true);
    if (difference) throw new Error(`two learners created with seed ${seed} differ: ${difference}`);
    bySeed.push({ seed, params: first });
  }
  for (const [i, a] of bySeed.entries()) {
    for (const b of bySeed.slice(i + 1)) {
      if (!anyValueDiffers(a.params, b.params)) {
        throw new Error(`seeds ${a.seed} and ${b.seed} give identical parameters: create ignores the seed`);
      }
    }
  }
}

/** `trainStep` over many steps and `predict` leave no tensors behind; every loss is finite. */
export async function checkLeaks(context: CheckContext): Promise<void> {
  const { steps } = context.options;
  await withBatches(context, steps, (batches) =>
    withLearner(context, firstSeed(context), async (learner) => {
      let step = 0;
      await expectNoLeaks(
        async () => {
          const { loss } = await learner.trainStep(batches[step++ % batches.length]);
          if (!Number.isFinite(loss)) throw new Error(`trainStep ${step} reported loss ${loss}`);
        },
        { warmup: 1, repeats: steps },
      );
      await expectNoLeaks(async () => (await learner.predict(batches[0].x)).dispose(), { repeats: 3 });
    }),
  );
}

/** A batch of `size` samples in each input form the task does not use (the caller frees the tensors). */
function foreignInputs(task: TaskSpec, size: number): { form: string; input: BatchInput }[] {
  const { input } = task;
  const channels = input.kind === 'dense' ? input.shape.reduce((a, b) => a * b, 1) : input.channels;
  const duration =
    input.kind === 'events' ? input.duration : input.kind === 'spikes' ? input.steps * input.dt : 10;
  const events = () => ({
    form: 'an event batch',
    input: packEventBatch(
      Array.from({ length: size }, () => ({ times: Float32Array.of(0), units: Int32Array.of(0) })),
      channels,
      duration,
    ),
  });
  const dense = (width: number) => ({
    form: `dense features [${size}, ${width}]`,
    input: tf.zeros([size, width]),
  });
  const spikes = () => ({
    form: `spike trains [3, ${size}, ${channels}]`,
    input: tf.zeros([3, size, channels]),
  });
  if (input.kind === 'dense') return [events(), dense(channels + 1)];
  if (input.kind === 'spikes') return [events(), dense(channels)];
  return [dense(channels), spikes()];
}

/** Why `learner.predict(input)` did not throw E_SHAPE; undefined when it did. */
async function acceptanceProblem(
  learner: Learner,
  form: string,
  input: BatchInput,
): Promise<string | undefined> {
  try {
    const scores = await learner.predict(input);
    const shape = scores.shape;
    scores.dispose();
    return `predict accepted ${form} (returned [${shape}]) instead of an E_SHAPE error`;
  } catch (error) {
    return isPlasticityError(error, 'E_SHAPE')
      ? undefined
      : `predict rejected ${form} with ${String(error)}, not E_SHAPE`;
  }
}

/** `predict` returns finite `[B, outputs]` and rejects the input forms the task does not use, leaking nothing. */
export async function checkPredict(context: CheckContext): Promise<void> {
  const { task } = context.options;
  await withBatches(context, 1, ([batch]) =>
    withLearner(context, firstSeed(context), async (learner) => {
      const scores = await learner.predict(batch.x);
      const values = await scores.data();
      scores.dispose();
      const expected = [batch.size, task.outputs];
      if (scores.shape.join() !== expected.join())
        throw new Error(`predict returned [${scores.shape}], expected [${expected}]`);
      if (!values.every(Number.isFinite)) throw new Error('predict returned values that are not finite');
      const foreign = foreignInputs(task, batch.size);
      const before = tf.memory().numTensors;
      try {
        for (const { form, input } of foreign) {
          const problem = await acceptanceProblem(learner, form, input);
          if (problem) throw new Error(problem);
        }
        const leaked = tf.memory().numTensors - before;
        if (leaked !== 0) throw new Error(`rejecting foreign inputs left ${leaked} tensors behind`);
      } finally {
        tf.dispose(foreign.flatMap(({ input }) => (input instanceof tf.Tensor ? [input] : [])));
      }
    }),
  );
}

/**
 * `dispose` frees everything: after a learner has trained, predicted and saved its state, its
 * disposal leaves as many tensors as there were before it was created, and no live param. A
 * first round warms up module-level caches a rule may keep.
 */
export async function checkDispose(context: CheckContext): Promise<void> {
  await withBatches(context, context.options.steps, async (batches) => {
    const round = async (): Promise<string | undefined> => {
      const before = tf.memory().numTensors;
      const learner = context.plugin.create(context.config, context.options.task, firstSeed(context));
      for (const batch of batches) await learner.trainStep(batch);
      (await learner.predict(batches[0].x)).dispose();
      if (learner.saveState) tf.dispose(Object.values(await learner.saveState()));
      learner.dispose();
      const live = Object.keys(learner.params).filter((name) => !learner.params[name].isDisposed);
      if (live.length > 0) return `params still live after dispose: ${live.join(', ')}`;
      const left = tf.memory().numTensors - before;
      return left === 0 ? undefined : `${left} tensors still live after dispose`;
    };
    await round();
    const problem = await round();
    if (problem) throw new Error(problem);
  });
}
