import { describe, expect, test } from '@jest/globals';
import { accumulatedUpdate } from './downpour.js';
import { easgdSyncRound, nesterovStep, oneWorkerAlphaBound } from './easgd.js';
import { elasticDifference } from './vector.js';

describe('elastic steps', () => {
  test('the elastic difference is alpha (x − center)', () => {
    const d = elasticDifference(Float32Array.of(1, -2, 4), Float32Array.of(0.5, 2, 4), 0.25);
    expect(Array.from(d)).toEqual([0.125, -1, 0]);
  });

  test('a synchronous round takes every elastic difference before the gradient step', () => {
    // Two workers, hand-computed: d = 0.25 (x − 1); x <- x − 0.5 g − d; center += d1 + d2.
    const workers = [Float64Array.of(3), Float64Array.of(-1)];
    const center = Float64Array.of(1);
    easgdSyncRound(workers, center, [Float64Array.of(2), Float64Array.of(-4)], { eta: 0.5, alpha: 0.25 });
    expect(workers[0][0]).toBe(3 - 1 - 0.5);
    expect(workers[1][0]).toBe(-1 + 2 + 0.5);
    expect(center[0]).toBe(1 + 0.5 - 0.5);
  });

  test("the center's update is the moving average (1 − beta) x̃ + beta mean(x) with beta = p alpha", () => {
    const workers = [Float64Array.of(2), Float64Array.of(5), Float64Array.of(-1)];
    const mean = (2 + 5 - 1) / 3;
    const center = Float64Array.of(0.5);
    const zero = workers.map(() => Float64Array.of(0));
    easgdSyncRound(workers, center, zero, { eta: 0.1, alpha: 0.3 });
    expect(center[0]).toBeCloseTo((1 - 0.9) * 0.5 + 0.9 * mean, 14);
  });

  test('Nesterov takes the gradient at the look-ahead point and keeps the velocity', () => {
    const x = Float64Array.of(1);
    const v = Float64Array.of(0.5);
    const seen: number[] = [];
    nesterovStep(x, v, (at) => (seen.push(at[0]), [2 * at[0]]), { eta: 0.1, delta: 0.5 });
    expect(seen).toEqual([1.25]);
    expect(v[0]).toBeCloseTo(0.25 - 0.25, 14);
    expect(x[0]).toBeCloseTo(1, 14);
  });

  test("DOWNPOUR's push is the update since the last pull", () => {
    expect(Array.from(accumulatedUpdate(Float32Array.of(1.5, -2), Float32Array.of(1, 1)))).toEqual([0.5, -3]);
  });

  test('the one-worker bound is (4 − 2 eta h)/(4 − eta h) and undefined outside 0 <= eta h <= 2', () => {
    expect(oneWorkerAlphaBound(0.1, 5)).toBeCloseTo(3 / 3.5, 14);
    expect(oneWorkerAlphaBound(0.1, 0)).toBe(1);
    expect(oneWorkerAlphaBound(0.1, 30)).toBeNaN();
  });
});
