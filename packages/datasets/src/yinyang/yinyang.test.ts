import { describe, expect, test } from '@jest/globals';
import { YINYANG_SPLITS, yinYang, yinYangClass } from './yinyang.js';

const classCounts = (labels: Int32Array): number[] => {
  const counts = [0, 0, 0];
  labels.forEach((l) => counts[l]++);
  return counts;
};

describe('yinYang', () => {
  test('published train split (seed 42): sizes, class counts, first item', () => {
    const train = yinYang(YINYANG_SPLITS.train);
    expect(train.labels.length).toBe(5000);
    expect(train.features.length).toBe(5000 * 4);
    expect(classCounts(train.labels)).toEqual([1681, 1702, 1617]);
    expect(train.labels[0]).toBe(2);
    const first = Array.from(train.features.subarray(0, 4));
    [0.68031, 0.4505, 0.31969, 0.5495].forEach((v, i) => expect(first[i]).toBeCloseTo(v, 5));
  });

  test('validation (seed 41) and test (seed 40) have the published sizes and differ from train', () => {
    const validation = yinYang(YINYANG_SPLITS.validation);
    const testSplit = yinYang(YINYANG_SPLITS.test);
    expect(validation.labels.length).toBe(1000);
    expect(testSplit.labels.length).toBe(1000);
    expect(validation.points[0]).not.toBe(testSplit.points[0]);
  });

  test('every sample is inside the circle, has its class, and mirrored features', () => {
    const { features, labels, points } = yinYang({ size: 500, seed: 3 });
    for (let i = 0; i < 500; i++) {
      const x = points[2 * i];
      const y = points[2 * i + 1];
      expect(Math.hypot(x - 0.5, y - 0.5)).toBeLessThanOrEqual(0.5);
      expect(yinYangClass(x, y)).toBe(labels[i]);
      expect(features[4 * i]).toBe(Math.fround(x));
      expect(features[4 * i + 2]).toBe(Math.fround(1 - x));
      expect(features[4 * i + 3]).toBe(Math.fround(1 - y));
    }
  });

  test('deterministic for a seed', () => {
    expect(yinYang({ size: 50, seed: 9 }).points).toEqual(yinYang({ size: 50, seed: 9 }).points);
  });

  test('class geometry: the dots, class 1 and class 0 regions', () => {
    expect(yinYangClass(0.75, 0.5)).toBe(2); // right dot centre
    expect(yinYangClass(0.25, 0.5)).toBe(2); // left dot centre
    expect(yinYangClass(0.25, 0.65)).toBe(1); // ring around the left dot
    expect(yinYangClass(0.5, 0.95)).toBe(1); // top half, far from the right dot
    expect(yinYangClass(0.5, 0.05)).toBe(0); // bottom half
  });
});
