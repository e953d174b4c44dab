import { describe, expect, it } from '@jest/globals';
import { eventBatchSample, isEventBatch, packEventBatch } from './events.js';

const sample = (times: number[], units: number[]) => ({
  times: Float32Array.from(times),
  units: Int32Array.from(units),
});

describe('packEventBatch', () => {
  it('packs samples so that eventBatchSample gives each one back', () => {
    const batch = packEventBatch([sample([1, 2.5], [0, 3]), sample([], []), sample([0], [2])], 4, 10);
    expect(Array.from(batch.offsets)).toEqual([0, 2, 2, 3]);
    expect(isEventBatch(batch)).toBe(true);
    expect(Array.from(eventBatchSample(batch, 0).times)).toEqual([1, 2.5]);
    expect(Array.from(eventBatchSample(batch, 0).units)).toEqual([0, 3]);
    expect(eventBatchSample(batch, 1).times.length).toBe(0);
    expect(Array.from(eventBatchSample(batch, 2).units)).toEqual([2]);
  });

  it('names the sample and event of a bad time, order or unit', () => {
    expect(() => packEventBatch([sample([1, 20], [0, 0])], 2, 10)).toThrow(/sample 0, event 1 has time 20/);
    expect(() => packEventBatch([sample([], []), sample([3, 2], [0, 0])], 2, 10)).toThrow(
      /sample 1 is not sorted by time at event 1/,
    );
    expect(() => packEventBatch([sample([1], [2])], 2, 10)).toThrow(/unit 2, outside 0 … 1/);
    expect(() => packEventBatch([sample([NaN], [0])], 2, 10)).toThrow(/time NaN/);
    expect(() => packEventBatch([{ times: Float32Array.of(1), units: new Int32Array(0) }], 2, 10)).toThrow(
      /1 times but 0 units/,
    );
    expect(() => packEventBatch([], 0, 10)).toThrow(/channels/);
    expect(() => packEventBatch([], 2, NaN)).toThrow(/duration/);
  });

  it('rejects a sample index outside the batch', () => {
    const batch = packEventBatch([sample([1], [0])], 1, 5);
    expect(() => eventBatchSample(batch, 1)).toThrow(/1 samples; sample 1 does not exist/);
  });

  it('tells tensors and plain objects from event batches', () => {
    expect(isEventBatch({ kind: 'dense' })).toBe(false);
    expect(isEventBatch(null)).toBe(false);
  });
});
