import { expect, test } from '@jest/globals';
import { createRng } from '@plasticity/core-tensors';
import { rateSpikes } from './input-spikes.js';

const spikeCounts = (x: Float32Array, batch: number, steps: number, rate: number, seed: number) => {
  const spikes = rateSpikes(x, batch, steps, rate, createRng(seed));
  const counts = new Float64Array(x.length);
  const inputs = x.length / batch;
  for (let b = 0; b < batch; b++)
    for (let k = spikes.offsets[b * steps]; k < spikes.offsets[(b + 1) * steps]; k++)
      counts[b * inputs + spikes.indices[k]] += 1;
  return { spikes, counts };
};

test('each input fires with probability rate·intensity per step, within 4 standard errors', () => {
  const x = Float32Array.from([0, 0.25, 0.5, 1, 0, 1, 0.1, 0.9]); // 2 samples × 4 inputs
  const [steps, rate] = [4000, 0.4];
  const { counts } = spikeCounts(x, 2, steps, rate, 7);
  x.forEach((value, k) => {
    const p = Math.min(1, rate * value);
    const se = Math.sqrt((p * (1 - p)) / steps);
    expect(Math.abs(counts[k] / steps - p)).toBeLessThanOrEqual(4 * se + 1e-12);
  });
  expect(counts[0]).toBe(0);
});

test('an intensity outside [0, 1] is an E_DATA_FORMAT error naming sample and feature', () => {
  for (const bad of [-0.1, 1.5, Number.NaN]) {
    const x = Float32Array.from([0.2, 0.3, 0.4, bad]);
    expect(() => rateSpikes(x, 2, 5, 0.5, createRng(0))).toThrow(
      expect.objectContaining({
        code: 'E_DATA_FORMAT',
        message: expect.stringContaining(`feature 1 of sample 1 is ${bad}`),
      }),
    );
  }
});

test('probabilities clip at 1; the same generator gives the same spikes', () => {
  const x = Float32Array.from([1, 0.5]);
  const { counts } = spikeCounts(x, 1, 50, 2, 1);
  expect(counts[0]).toBe(50);
  const a = rateSpikes(x, 1, 50, 0.5, createRng(1));
  expect(rateSpikes(x, 1, 50, 0.5, createRng(1))).toEqual(a);
  expect(rateSpikes(x, 1, 50, 0.5, createRng(2)).indices).not.toEqual(a.indices);
});
