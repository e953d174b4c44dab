import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, isEventBatch, packEventBatch } from '@plasticity/core-tensors';
import type { EventBatch, SpikeEvents } from '@plasticity/core-tensors';
import { useCpuBackend } from '../testing/tf-backend.js';
import { eventSplit } from './event-split.js';
import { selectSamples } from './select.js';
import { randomShift } from './shift.js';
import { isEventOrder, sortEvents } from './sort.js';

beforeAll(useCpuBackend);

/** Sample b: 2 + (b % 4) events at times (3k + b) mod 20 ms ... sorted, units (7k + 5b) % channels. */
function samples(count: number, channels: number): SpikeEvents[] {
  return Array.from({ length: count }, (_, b) => {
    const n = 2 + (b % 4);
    const pairs = Array.from({ length: n }, (_, k) => [
      ((3 * k + b) % 20) + 0.25,
      (7 * k + 5 * b) % channels,
    ]);
    pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
    return { times: Float32Array.from(pairs, (p) => p[0]), units: Int32Array.from(pairs, (p) => p[1]) };
  });
}

const plain = (events: EventBatch, b: number): [number, number][] =>
  Array.from({ length: events.offsets[b + 1] - events.offsets[b] }, (_, i) => [
    events.times[events.offsets[b] + i],
    events.units[events.offsets[b] + i],
  ]);

describe('event helpers', () => {
  test('sortEvents orders by time then unit, and leaves sorted input alone', () => {
    const times = Float32Array.from([3, 1, 1, 2]);
    const units = Int32Array.from([0, 5, 2, 9]);
    expect(isEventOrder(times, units)).toBe(false);
    sortEvents(times, units);
    expect([Array.from(times), Array.from(units)]).toEqual([
      [1, 1, 2, 3],
      [2, 5, 9, 0],
    ]);
    expect(isEventOrder(times, units)).toBe(true);
  });

  test('selectSamples copies the chosen samples in order', () => {
    const all = packEventBatch(samples(5, 10), 10, 20);
    const picked = selectSamples(all, [3, 0, 3]);
    expect(picked.size).toBe(3);
    expect([plain(picked, 0), plain(picked, 1), plain(picked, 2)]).toEqual([
      plain(all, 3),
      plain(all, 0),
      plain(all, 3),
    ]);
    expect(() => selectSamples(all, [5])).toThrow(/out of range/);
  });

  test('randomShift moves each sample by one integer in ±max and drops what leaves the channels', () => {
    const channels = 12;
    const batch = packEventBatch(samples(40, channels), channels, 20);
    const { batch: shifted, shifts } = randomShift(batch, 3, createRng(7));
    expect(new Set(shifts)).toEqual(new Set([-3, -2, -1, 0, 1, 2, 3]));
    for (let b = 0; b < batch.size; b++) {
      const expected = plain(batch, b)
        .map(([t, u]): [number, number] => [t, u + shifts[b]])
        .filter(([, u]) => u >= 0 && u < channels);
      expect(plain(shifted, b)).toEqual(expected);
    }
    expect(shifted.times.length).toBeLessThan(batch.times.length); // some fell off the edges
    expect(randomShift(batch, 3, createRng(7)).shifts).toEqual(shifts);
    expect(randomShift(batch, 0, createRng(7)).batch.times).toEqual(batch.times);
    expect(() => randomShift(batch, 1.5, createRng(7))).toThrow(/whole number/);
  });
});

describe('eventSplit', () => {
  const channels = 10;
  const all = packEventBatch(samples(11, channels), channels, 20);
  const labels = Int32Array.from({ length: 11 }, (_, i) => i % 3);

  async function drain(
    split: ReturnType<typeof eventSplit>,
    options: Parameters<ReturnType<typeof eventSplit>['batches']>[0],
  ): Promise<{ x: EventBatch[]; y: number[][] }> {
    const x: EventBatch[] = [];
    const y: number[][] = [];
    for await (const batch of split.batches(options)) {
      if (!isEventBatch(batch.x)) throw new Error('expected an event batch');
      x.push(batch.x);
      y.push(Array.from(await batch.y.data()));
    }
    return { x, y };
  }

  test('one epoch visits every sample once, in a (seed, epoch) order, with its label', async () => {
    const split = eventSplit(all, labels);
    const a = await drain(split, { batchSize: 4, seed: 3, epoch: 1 });
    expect(a.x.map((b) => b.size)).toEqual([4, 4, 3]);
    const seen = a.x.flatMap((batch) =>
      Array.from({ length: batch.size }, (_, b) => JSON.stringify(plain(batch, b))),
    );
    const originals = Array.from({ length: 11 }, (_, b) => JSON.stringify(plain(all, b)));
    expect([...seen].sort()).toEqual([...originals].sort());
    // Labels travel with their sample.
    a.x.forEach((batch, i) =>
      Array.from({ length: batch.size }, (_, b) =>
        expect(a.y[i][b]).toBe(labels[originals.indexOf(JSON.stringify(plain(batch, b)))]),
      ),
    );
    const again = await drain(split, { batchSize: 4, seed: 3, epoch: 1 });
    expect(again.y).toEqual(a.y);
    const other = await drain(split, { batchSize: 4, seed: 3, epoch: 2 });
    expect(other.x.map((b) => Array.from(b.units))).not.toEqual(a.x.map((b) => Array.from(b.units)));
    const ordered = await drain(split, { batchSize: 4, shuffle: false, keepLast: false });
    expect(ordered.y).toEqual([
      [0, 1, 2, 0],
      [1, 2, 0, 1],
    ]);
  });

  test('randomShift augmentation is reproducible per (seed, epoch) and keeps the contract', async () => {
    const split = eventSplit(all, labels, { randomShift: 2, shuffle: false });
    const a = await drain(split, { batchSize: 11, seed: 5 });
    const b = await drain(split, { batchSize: 11, seed: 5 });
    expect(Array.from(a.x[0].units)).toEqual(Array.from(b.x[0].units));
    expect(Array.from(a.x[0].units)).not.toEqual(Array.from(all.units));
    const expected = randomShift(all, 2, createRng(5).fork(0).fork('shift')).batch;
    expect(Array.from(a.x[0].units)).toEqual(Array.from(expected.units));
    // Still a valid batch: re-packing checks order, range and window.
    const x = a.x[0];
    expect(() =>
      packEventBatch(
        Array.from({ length: x.size }, (_, s) => ({
          times: x.times.subarray(x.offsets[s], x.offsets[s + 1]),
          units: x.units.subarray(x.offsets[s], x.offsets[s + 1]),
        })),
        channels,
        20,
      ),
    ).not.toThrow();
  });

  test('binned splits yield [T, B, C] tensors and leak none over many epochs', async () => {
    const split = eventSplit(all, labels, { binned: { dt: 1 } });
    const before = tf.memory().numTensors;
    for (let epoch = 0; epoch < 20; epoch++) {
      let total = 0;
      for await (const batch of split.batches({ batchSize: 4, epoch })) {
        const x = batch.x as tf.Tensor;
        expect(x.shape).toEqual([20, batch.size, channels]);
        const sum = tf.sum(x);
        total += (await sum.data())[0];
        sum.dispose();
      }
      expect(total).toBe(all.times.length); // every event lands in the grid, counted
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  test('subset and bad inputs', () => {
    const split = eventSplit(all, labels);
    const sub = split.subset([2, 4]);
    expect([sub.size, Array.from(sub.labels)]).toEqual([2, [2, 1]]);
    expect(() => eventSplit(all, labels.subarray(1))).toThrow(/11 event samples but 10 labels/);
    expect(() => eventSplit(all, labels, { randomShift: -1 })).toThrow(/randomShift/);
  });
});
