import { expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { hostSamples } from './inputs.js';
import type { InputCoding } from './inputs.js';

const coding = (resolution?: number): InputCoding => ({
  kind: 'dense',
  features: 4,
  duration: 40,
  encoder: { t0: 1, span: 30, invert: true, threshold: 0.1, ...(resolution ? { resolution } : {}) },
});

test('encoder.resolution rounds spike times to its grid and keeps the order', async () => {
  await tf.setBackend('cpu');
  const x = tf.tensor2d([[0.05, 0.3, 0.61, 0.9]]);
  const exact = (await hostSamples(x, coding())).sample(0);
  // Written out: t = 1 + (1 − v)·30, the value 0.05 is below the threshold.
  [1 + 0.1 * 30, 1 + 0.39 * 30, 1 + 0.7 * 30].forEach((t, k) => expect(exact.times[k]).toBeCloseTo(t, 5));
  expect(exact.count).toBe(3);
  const rounded = (await hostSamples(x, coding(0.5))).sample(0);
  // 4.0 → 4, 12.7 → 12.5, 22.0 → 22.
  expect(Array.from(rounded.times)).toEqual([4, 12.5, 22]);
  expect(Array.from(rounded.units)).toEqual(Array.from(exact.units));
  x.dispose();
});
