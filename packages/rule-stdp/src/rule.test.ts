import * as tf from '@tensorflow/tfjs-core';
import { createRng, getRule, initBackend, parseConfig } from '@plasticity/core-tensors';
import { describeRuleConformance, memorySplit } from '@plasticity/core-tensors/testing';
import { expect, test } from '@jest/globals';
import { stdpRule } from './index.js';

test('importing the package registers the rule', () => {
  expect(getRule('stdp')).toBe(stdpRule);
});

/** Two classes of intensities in [0, 1] over 4 inputs: class 0 lights inputs 0–1, class 1 inputs 2–3. */
function patternArrays(count: number, seed: number) {
  const rng = createRng(seed);
  const y = Int32Array.from({ length: count }, (_, k) => k % 2);
  const x = Float32Array.from({ length: count * 4 }, (_, k) => {
    const lit = k % 4 < 2 === (y[k >> 2] === 0);
    return Math.min(1, Math.max(0, rng.normal(lit ? 0.9 : 0.1, 0.1)));
  });
  return { x, y };
}
const patterns = (count: number, seed: number) => {
  const { x, y } = patternArrays(count, seed);
  return memorySplit(x, y, [4]);
};

// The contract every rule keeps: config errors, seeds, no leaks, predict, exact resume,
// checkpoints, learning, dispose, on every backend this machine has.
await describeRuleConformance(stdpRule, {
  task: { input: { kind: 'dense', shape: [4] }, outputs: 2, kind: 'classification' },
  data: () => ({ train: patterns(128, 1), test: patterns(100, 2) }),
  config: { hidden: 4, steps: 20, threshold: 0.5, learningRate: 0.1 },
  badFields: { hidden: 0, inputRate: 2, potentiation: -1 },
});

test('inspect gives the input and layer rasters of the first samples, as predict draws them', async () => {
  await initBackend('cpu');
  const config = parseConfig(stdpRule, { hidden: 4, steps: 20, threshold: 0.5 });
  const task = { input: { kind: 'dense', shape: [4] }, outputs: 2, kind: 'classification' } as const;
  const learner = stdpRule.create(config, task, 0);
  const x = tf.tensor2d(patternArrays(6, 3).x, [6, 4]);
  const inspection = await learner.inspect!(x, { samples: 2 });
  expect(inspection.duration).toBe(20);
  expect(inspection.layers.map((l) => [l.name, l.size, l.samples.length])).toEqual([
    ['input', 4, 2],
    ['stdp', 4, 2],
  ]);
  for (const sample of inspection.layers[1].samples) {
    expect(sample.times.length).toBeGreaterThanOrEqual(config.minSpikes);
    expect(Array.from(sample.times).every((t) => t >= 0 && t < 20)).toBe(true);
  }
  // The same spikes every time, as predict's.
  expect(await learner.inspect!(x, { samples: 2 })).toEqual(inspection);
  tf.dispose(x);
  learner.dispose();
  expect(tf.memory().numTensors).toBe(0);
});
