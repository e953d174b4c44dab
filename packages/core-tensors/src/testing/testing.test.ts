import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend/init.js';
import { isEventBatch } from '../contract/events.js';
import {
  assertClose,
  eventSweeps,
  expectNoLeaks,
  leakedTensors,
  memoryEventSplit,
  memorySplit,
  noisyXor,
  testBackends,
  unitNoisyXor,
  tolerance,
} from './index.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('testing kit', () => {
  test('testBackends lists cpu and wasm, and every entry is a real backend', async () => {
    const backends = await testBackends();
    expect(backends.slice(0, 2)).toEqual(['cpu', 'wasm']);
    for (const b of backends) expect(['cpu', 'wasm', 'webgpu', 'node-gpu']).toContain(b);
  });

  test('tolerance per backend', () => {
    expect(tolerance('cpu')).toEqual({ rtol: 1e-5, atol: 1e-6 });
    expect(tolerance('wasm')).toEqual({ rtol: 1e-5, atol: 1e-6 });
    expect(tolerance('webgpu')).toEqual({ rtol: 1e-3, atol: 1e-4 });
  });

  test('assertClose passes within tolerance and names the worst element otherwise', () => {
    const tol = { rtol: 1e-3, atol: 1e-6 };
    expect(() => assertClose([1, 100, Number.NaN], [1.0005, 100.09, Number.NaN], tol)).not.toThrow();
    expect(() => assertClose([1, 2, 3], [1, 2.1, 3.5], tol, 'grad')).toThrow(
      'grad: 2 of 3 differ beyond rtol 0.001, atol 0.000001; worst at [2]: 3 vs expected 3.5',
    );
    expect(() => assertClose([Number.NaN], [1], tol)).toThrow(/worst at \[0\]: NaN/);
    expect(() => assertClose([1], [1, 2], tol)).toThrow('values: 1 values, expected 2');
  });

  test('leakedTensors counts and expectNoLeaks throws on a leak', async () => {
    const kept: tf.Tensor[] = [];
    expect(await leakedTensors(() => kept.push(tf.scalar(1)))).toBe(1);
    await expect(expectNoLeaks(() => kept.push(tf.scalar(2)), { repeats: 3 })).rejects.toThrow(
      /tensor leak: 3 more live tensors after 3 calls/,
    );
    await expect(
      expectNoLeaks(() => tf.tidy(() => tf.add(tf.scalar(1), 2)).dispose()),
    ).resolves.toBeUndefined();
    tf.dispose(kept);
  });

  test('expectNoLeaks allows lazily created state in the warm-up call', async () => {
    let state: tf.Tensor | undefined;
    await expectNoLeaks(() => {
      state ??= tf.zeros([2]);
    });
    state?.dispose();
  });

  test('memorySplit: seeded per-epoch shuffles, ordered when asked, keepLast, disposes batches', async () => {
    const split = memorySplit([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1]);
    const labels = async (options: Parameters<typeof split.batches>[0]) => {
      const out: number[][] = [];
      for await (const b of split.batches(options)) out.push(Array.from(await b.y.data()));
      return out;
    };
    const before = tf.memory().numTensors;
    expect(await labels({ batchSize: 4, shuffle: false })).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(await labels({ batchSize: 4, shuffle: false, keepLast: false })).toHaveLength(2);
    const e0 = await labels({ batchSize: 10, seed: 1, epoch: 0 });
    expect(await labels({ batchSize: 10, seed: 1, epoch: 0 })).toEqual(e0);
    expect(await labels({ batchSize: 10, seed: 1, epoch: 1 })).not.toEqual(e0);
    expect([...e0[0]].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => memorySplit([1, 2, 3], [0, 1], [2])).toThrow(/3 features for 2 samples of shape \[2\]/);
  });
});

describe('noisyXor', () => {
  test('labels each point by whether the signs of its coordinates differ, reproducibly', () => {
    const { x, y } = noisyXor(400, 3);
    let ones = 0;
    for (let i = 0; i < 400; i++) {
      // σ = 0.25 around ±1: a sign flips with probability ~3e-5 per coordinate.
      expect(y[i]).toBe(Math.sign(x[2 * i]) !== Math.sign(x[2 * i + 1]) ? 1 : 0);
      ones += y[i];
    }
    expect(ones).toBeGreaterThan(150); // balanced: 200 expected
    expect(ones).toBeLessThan(250);
    expect(noisyXor(400, 3)).toEqual({ x, y });
  });
});

describe('unitNoisyXor', () => {
  test('is noisyXor moved into [0, 1], clusters at 0.25 and 0.75, same labels', () => {
    const plain = noisyXor(400, 3);
    const { x, y } = unitNoisyXor(400, 3);
    expect(y).toEqual(plain.y);
    for (let i = 0; i < x.length; i++) {
      expect(x[i]).toBeGreaterThanOrEqual(0);
      expect(x[i]).toBeLessThanOrEqual(1);
      expect(Math.sign(x[i] - 0.5)).toBe(Math.sign(plain.x[i]));
    }
  });
});

describe('eventSweeps and memoryEventSplit', () => {
  test('one spike per channel, in time order, rising channels for class 0 and falling for 1', () => {
    const { samples, y } = eventSweeps(50, 4, 5, 60);
    expect(eventSweeps(50, 4, 5, 60)).toEqual({ samples, y });
    samples.forEach((s, i) => {
      expect(Array.from(s.units)).toEqual(y[i] === 0 ? [0, 1, 2, 3, 4] : [4, 3, 2, 1, 0]);
      for (let k = 1; k < 5; k++) expect(s.times[k]).toBeGreaterThan(s.times[k - 1]);
      expect(s.times[4]).toBeLessThan(60);
    });
    expect(y.reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
    expect(y.reduce((a, b) => a + b, 0)).toBeLessThan(40);
  });

  test('memoryEventSplit batches event lists with their labels and frees the labels', async () => {
    const { samples, y } = eventSweeps(10, 1, 3, 20);
    const split = memoryEventSplit(samples, y, 3, 20);
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    for await (const batch of split.batches({ batchSize: 4, shuffle: false })) {
      expect(isEventBatch(batch.x)).toBe(true);
      expect(batch.x).toMatchObject({ size: batch.size, channels: 3, duration: 20 });
      seen.push(...Array.from(await batch.y.data()));
    }
    expect(seen).toEqual(Array.from(y));
    expect(tf.memory().numTensors).toBe(before);
    expect(() => memoryEventSplit(samples, [0], 3, 20)).toThrow(/10 samples for 1 labels/);
  });
});
