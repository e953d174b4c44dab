import * as tf from '@tensorflow/tfjs-core';
import { createRng, getRule, initBackend, paramName, parseConfig } from '@plasticity/core-tensors';
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

test('the layer learns the same weights and thresholds, bit for bit, on cpu and wasm', async () => {
  // 16 inputs: column sums that float32 arithmetic on a backend would round differently.
  const task = { input: { kind: 'dense', shape: [16] }, outputs: 2, kind: 'classification' } as const;
  const layers: number[][][] = [];
  for (const backend of ['cpu', 'wasm'] as const) {
    await initBackend(backend);
    const learner = stdpRule.create(parseConfig(stdpRule, { hidden: 6, steps: 20, threshold: 0.3 }), task, 0);
    const rng = createRng(5);
    for (let k = 0; k < 5; k++) {
      const x = tf.tensor2d(rng.uniformArray(8 * 16), [8, 16]);
      const y = tf.tensor1d(
        Int32Array.from({ length: 8 }, (_, b) => b % 2),
        'int32',
      );
      await learner.trainStep({ x, y, size: 8 });
      tf.dispose([x, y]);
    }
    const names = [paramName(0, 'kernel'), paramName(0, 'threshold')];
    layers.push(await Promise.all(names.map(async (name) => Array.from(await learner.params[name].data()))));
    learner.dispose();
  }
  expect(layers[0][1].some((theta) => theta > 0)).toBe(true); // the layer fired and adapted
  expect(layers[1]).toEqual(layers[0]);
});
