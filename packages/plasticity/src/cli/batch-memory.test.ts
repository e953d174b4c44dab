// The batch memory check on the wasm backend with a real learner: the fitted line predicts a
// measured step's peak, a batch past the limit is refused with the largest that fits, and that
// batch's real step stays within the limit.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, isPlasticityError, parseConfig } from '@plasticity/core-tensors';
import type { TaskSpec } from '@plasticity/core-tensors';
import { memorySplit, useBackend } from '@plasticity/core-tensors/testing';
import { backpropRule } from '@plasticity/rule-backprop';
import { MEMORY_CHECK_FROM, checkBatchMemory, largestBatch, measureBatchMemory } from './batch-memory.js';

const FEATURES = 100;
const SAMPLES = 8192;
const task: TaskSpec = { input: { kind: 'dense', shape: [FEATURES] }, outputs: 4, kind: 'classification' };
const rng = createRng(2);
const train = memorySplit(
  rng.uniformArray(SAMPLES * FEATURES, 0, 1),
  Int32Array.from({ length: SAMPLES }, () => rng.int(4)),
  [FEATURES],
);
const create = () => backpropRule.create(parseConfig(backpropRule, { hidden: [300, 300] }), task, 0);

/** Peak tensor bytes of one step of a fresh learner on the first `size` samples. */
async function measuredPeak(size: number): Promise<number> {
  const learner = create();
  try {
    for await (const batch of train.batches({ batchSize: size, shuffle: false })) {
      const info = await tf.profile(
        async () => (await learner.trainStep(batch)) as unknown as tf.TensorContainer,
      );
      return info.peakBytes;
    }
    throw new Error('no batch');
  } finally {
    learner.dispose();
  }
}

beforeAll(async () => {
  await useBackend('wasm');
});
afterAll(() => tf.disposeVariables());

test('the fitted line predicts the peak of a step at 8192 within 5 %', async () => {
  const memory = await measureBatchMemory(create, train, SAMPLES / 4);
  expect(memory.bytesPerSample).toBeGreaterThan(FEATURES * 4); // at least the input row
  const predicted = memory.fixedBytes + memory.bytesPerSample * SAMPLES;
  const actual = await measuredPeak(SAMPLES);
  expect(Math.abs(predicted - actual) / actual).toBeLessThan(0.05);
});

test('a batch past the limit is refused before training, naming the largest batch, which fits', async () => {
  const memory = await measureBatchMemory(create, train, SAMPLES / 4);
  const limitBytes = memory.fixedBytes + memory.bytesPerSample * 6000;
  let error: unknown;
  try {
    await checkBatchMemory({ create, train, batchSize: SAMPLES, limitBytes });
  } catch (e) {
    error = e;
  }
  expect(isPlasticityError(error, 'E_BACKEND')).toBe(true);
  const largest = (error as { details: { largestBatch: number } }).details.largestBatch;
  expect(largest).toBe(largestBatch(memory, limitBytes));
  expect(Math.abs(largest - 6000)).toBeLessThanOrEqual(1);
  expect((error as Error).message).toMatch(
    new RegExp(`batch ${SAMPLES} needs about .* GiB.*--batch-size ${largest}`),
  );
  expect(await measuredPeak(largest)).toBeLessThanOrEqual(limitBytes * 1.02);
  // A limit below what does not grow with the batch: no batch to suggest.
  await expect(
    checkBatchMemory({ create, train, batchSize: SAMPLES, limitBytes: memory.fixedBytes / 2 }),
  ).rejects.toThrow(/No batch fits: the data, parameters and optimiser state alone need about/);
  // The same limit passes a batch that fits, and small batches are not probed at all.
  await checkBatchMemory({ create, train, batchSize: MEMORY_CHECK_FROM, limitBytes });
  await checkBatchMemory({
    create: () => {
      throw new Error('probed');
    },
    train,
    batchSize: 512,
    limitBytes: 1,
  });
});
