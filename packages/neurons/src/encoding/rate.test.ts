// Rate coding: spike frequency ≈ intensity within binomial tolerance, seeded and identical on
// every backend (the uniforms come from the host RNG).
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, isPlasticityError } from '@plasticity/core-tensors';
import { expectNoLeaks, testBackends, useBackend } from '@plasticity/core-tensors/testing';
import { rateEncode } from './rate.js';

const backends = await testBackends();
const intensities = [0, 0.1, 0.5, 1, 0.25, 0.75, 0.9, 0.05];

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test('each channel fires at its intensity within 4.5 binomial standard deviations', async () => {
    const steps = 4000;
    const x = tf.tensor2d(intensities, [2, 4]);
    const spikes = rateEncode(x, { steps, rng: 1 });
    expect(spikes.shape).toEqual([steps, 2, 4]);
    // Rates counted on the host: the test is of the encoder, not of a backend's reduction.
    const values = await spikes.data();
    const rates = intensities.map((_, i) => {
      let count = 0;
      for (let t = 0; t < steps; t++) count += values[t * intensities.length + i];
      return count / steps;
    });
    intensities.forEach((p, i) => {
      const sd = Math.sqrt((p * (1 - p)) / steps);
      if (p === 0 || p === 1) expect(rates[i]).toBe(p);
      else expect(Math.abs(rates[i] - p)).toBeLessThan(4.5 * sd);
    });
    expect(values.every((v) => v === 0 || v === 1)).toBe(true);
    tf.dispose([x, spikes]);
  });

  test('same seed, same spikes: exactly `uniform < intensity` from the seeded RNG', async () => {
    const x = tf.tensor2d(intensities, [2, 4]);
    const a = rateEncode(x, { steps: 50, rng: 9 });
    const b = rateEncode(x, { steps: 50, rng: createRng(9) });
    const c = rateEncode(x, { steps: 50, rng: 10 });
    const u = createRng(9).uniformArray(50 * 8);
    const expected = Array.from(u, (ui, k) => (ui < intensities[k % 8] ? 1 : 0));
    expect(Array.from(await a.data())).toEqual(expected);
    expect(Array.from(await b.data())).toEqual(expected);
    expect(Array.from(await c.data())).not.toEqual(expected);
    tf.dispose([x, a, b, c]);
  });

  test('gain scales the probability and clips at 1; any per-sample shape', async () => {
    const x = tf.fill([3, 2, 2, 1], 0.5);
    const spikes = rateEncode(x, { steps: 20, rng: 2, gain: 3 });
    expect(spikes.shape).toEqual([20, 3, 2, 2, 1]);
    expect(Array.from(await spikes.data()).every((v) => v === 1)).toBe(true);
    tf.dispose([x, spikes]);
  });

  test('bad steps or gain are E_CONFIG; no leaks', async () => {
    const x = tf.tensor2d([[0.5]]);
    for (const options of [{ steps: 0 }, { steps: 2.5 }, { steps: 3, gain: -1 }]) {
      let error: unknown;
      try {
        rateEncode(x, options);
      } catch (e) {
        error = e;
      }
      expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
    }
    await expectNoLeaks(() => rateEncode(x, { steps: 10 }).dispose());
    x.dispose();
  });
});
