import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, isPlasticityError } from '@plasticity/core-tensors';
import type { BatchOptions, TensorBatch } from '@plasticity/core-tensors';
import { useCpuBackend } from '../testing/tf-backend.js';
import { arraySplit } from './array-split.js';
import { seededPermutation } from './permutation.js';

beforeAll(useCpuBackend);

// 10 samples of shape [2, 3]; feature value = 100·row + position, label = row.
const N = 10;
const features = Float32Array.from({ length: N * 6 }, (_, i) => 100 * Math.floor(i / 6) + (i % 6));
const labels = Int32Array.from({ length: N }, (_, i) => i);
const split = arraySplit(features, [2, 3], labels);

async function collect(
  options: BatchOptions,
): Promise<{ shapes: number[][]; rows: number[]; xRows: number[] }> {
  const shapes: number[][] = [];
  const rows: number[] = [];
  const xRows: number[] = [];
  for await (const batch of split.batches(options)) {
    shapes.push(batch.x.shape);
    expect(batch.y.dtype).toBe('int32');
    expect(batch.size).toBe(batch.x.shape[0]);
    const y = Array.from(await batch.y.data());
    const x = await batch.x.data();
    rows.push(...y);
    // The features of each row travel with its label.
    y.forEach((row, i) => {
      expect(Array.from(x.subarray(i * 6, i * 6 + 6))).toEqual([0, 1, 2, 3, 4, 5].map((p) => 100 * row + p));
      xRows.push(row);
    });
  }
  return { shapes, rows, xRows };
}

describe('arraySplit', () => {
  test('unshuffled batches in order, last batch kept by default', async () => {
    const { shapes, rows } = await collect({ batchSize: 4, shuffle: false });
    expect(shapes).toEqual([
      [4, 2, 3],
      [4, 2, 3],
      [2, 2, 3],
    ]);
    expect(rows).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('keepLast: false drops the short batch', async () => {
    const { shapes, rows } = await collect({ batchSize: 4, shuffle: false, keepLast: false });
    expect(shapes.length).toBe(2);
    expect(rows).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  test('seeded shuffle: a permutation, same for the same (seed, epoch), different across epochs and seeds', async () => {
    const a = (await collect({ batchSize: 3, seed: 5, epoch: 0 })).rows;
    const b = (await collect({ batchSize: 3, seed: 5, epoch: 0 })).rows;
    const c = (await collect({ batchSize: 3, seed: 5, epoch: 1 })).rows;
    const d = (await collect({ batchSize: 3, seed: 6, epoch: 0 })).rows;
    expect([...a].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(d).not.toEqual(a);
    expect(a).toEqual(Array.from(createRng(5).fork(0).permutation(N)));
  });

  test('shuffle defaults to the split option (true unless set false)', async () => {
    const fixed = arraySplit(features, [2, 3], labels, { shuffle: false });
    const rows: number[] = [];
    for await (const batch of fixed.batches({ batchSize: 10 })) rows.push(...(await batch.y.data()));
    expect(rows).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await collect({ batchSize: 10 })).rows).toEqual(Array.from(seededPermutation(N, 0, 0)));
  });

  test('epoch orders are permutations, roughly uniform in their first element', () => {
    const counts = new Array(5).fill(0);
    for (let seed = 0; seed < 2000; seed++) {
      const p = seededPermutation(5, seed, 3);
      expect([...p].sort()).toEqual([0, 1, 2, 3, 4]);
      counts[p[0]]++;
    }
    for (const c of counts) expect(Math.abs(c - 400)).toBeLessThan(80);
  });

  test('no tensor leaks: full epochs, early break, and a thrown consumer', async () => {
    const before = tf.memory().numTensors;
    for (let epoch = 0; epoch < 3; epoch++) await collect({ batchSize: 3, seed: 1, epoch });
    for await (const batch of split.batches({ batchSize: 2 })) {
      expect(batch.x.isDisposed).toBe(false);
      break;
    }
    await expect(
      (async () => {
        for await (const _batch of split.batches({ batchSize: 2 })) throw new Error('consumer failed');
      })(),
    ).rejects.toThrow('consumer failed');
    expect(tf.memory().numTensors).toBe(before);
  });

  test('the producer disposes a batch when the iterator advances', async () => {
    const seen: TensorBatch[] = [];
    for await (const batch of split.batches({ batchSize: 4, shuffle: false })) {
      seen.forEach((old) => expect(old.x.isDisposed && old.y.isDisposed).toBe(true));
      seen.push(batch);
    }
    expect(seen.every((b) => b.x.isDisposed)).toBe(true);
  });

  test('subset copies rows in the given order', async () => {
    const sub = split.subset([7, 2], { shuffle: false });
    expect(sub.size).toBe(2);
    expect(Array.from(sub.labels)).toEqual([7, 2]);
    expect(Array.from(sub.features.subarray(0, 2))).toEqual([700, 701]);
    expect(() => split.subset([10])).toThrow(/out of range/);
  });

  test('bad shapes and bad batch options are clear errors', async () => {
    expect(() => arraySplit(features, [7], labels)).toThrow(/60 values; 10 labels × \[7\] need 70/);
    let error: unknown;
    try {
      for await (const _ of split.batches({ batchSize: 0 })) break;
    } catch (e) {
      error = e;
    }
    expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
  });
});
