import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { isPlasticityError } from '@plasticity/core-tensors';
import { useCpuBackend } from '../testing/tf-backend.js';
import { loadDataset } from '../registry/fetch-sources.js';
import { DELAYED_XOR_TIMING, delayedXor } from './delayed-xor.js';

beforeAll(async () => {
  await useCpuBackend();
});

/** Onsets (ms) of the pulses on one channel of one trial, read back from the values. */
function onsets(values: Float32Array, trial: number, channel: number, steps: number): number[] {
  const found: number[] = [];
  for (let t = 0; t < steps; t++) {
    const on = values[(trial * steps + t) * 3 + channel] === 1;
    const before = t > 0 && values[(trial * steps + t - 1) * 3 + channel] === 1;
    if (on && !before) found.push(t * DELAYED_XOR_TIMING.dt);
  }
  return found;
}

describe('delayed XOR trials', () => {
  const data = delayedXor({ trials: 1000, seed: 7 });
  const { steps } = data;

  test('the label is the XOR of the pulses read back from the input; timings as documented', () => {
    let onePulse = 0;
    for (let trial = 0; trial < 1000; trial++) {
      const plus = onsets(data.values, trial, 0, steps);
      const minus = onsets(data.values, trial, 1, steps);
      const pulses = [...plus.map((t) => ({ t, bit: 1 })), ...minus.map((t) => ({ t, bit: 0 }))].sort(
        (a, b) => a.t - b.t,
      );
      expect(onsets(data.values, trial, 2, steps)).toEqual([DELAYED_XOR_TIMING.go]);
      expect(pulses.length === 1 || pulses.length === 2).toBe(true);
      if (pulses.length === 1) onePulse++;
      const xor = pulses.reduce((a, p) => a ^ p.bit, 0);
      expect(data.labels[trial]).toBe(xor);
      if (pulses.length === 2) {
        expect(pulses[0].t).toBe(DELAYED_XOR_TIMING.first);
        const gap = pulses[1].t - pulses[0].t - DELAYED_XOR_TIMING.pulse;
        expect(gap).toBeGreaterThanOrEqual(20);
        expect(gap).toBeLessThanOrEqual(200);
      }
    }
    // 20 % one-pulse trials: 200 expected, binomial σ ≈ 12.6.
    expect(onePulse).toBeGreaterThan(150);
    expect(onePulse).toBeLessThan(250);
    // Both classes, near balance.
    const ones = data.labels.reduce((a, l) => a + l, 0);
    expect(ones).toBeGreaterThan(400);
    expect(ones).toBeLessThan(600);
  });

  test('seeded: the same seed gives the same trials, another seed others', () => {
    expect(delayedXor({ trials: 1000, seed: 7 }).values).toEqual(data.values);
    expect(delayedXor({ trials: 1000, seed: 8 }).values).not.toEqual(data.values);
    expect(() => delayedXor({ trials: 0, seed: 1 })).toThrow(/trials must be a whole number/);
  });

  test('loadDataset: time-major [T, B, 3] batches of the training split, spike task, no leaks', async () => {
    const ds = await loadDataset('delayed-xor');
    expect(ds.task).toEqual({
      input: { kind: 'spikes', steps: 180, channels: 3, dt: 2 },
      outputs: 2,
      kind: 'classification',
    });
    expect([ds.train.size, ds.test.size]).toEqual([2000, 500]);
    const before = tf.memory().numTensors;
    for await (const batch of ds.test.batches({ batchSize: 4, shuffle: false })) {
      expect((batch.x as tf.Tensor).shape).toEqual([180, 4, 3]);
      const x = (batch.x as tf.Tensor).arraySync() as number[][][];
      const test = delayedXor({ trials: 500, seed: 2 });
      // Sample 1 of the batch is trial 1: its go cue is at 300 ms on channel 2.
      expect(x[150][1][2]).toBe(test.values[(1 * 180 + 150) * 3 + 2]);
      expect(Array.from(await batch.y.data())).toEqual(Array.from(test.labels.subarray(0, 4)));
      break;
    }
    expect(tf.memory().numTensors).toBe(before);
    const error = await loadDataset('delayed-xor', { validation: 100 }).catch((e: unknown) => e);
    expect(isPlasticityError(error, 'E_USAGE')).toBe(true);
  });
});
