import { describe, expect, test } from '@jest/globals';
import { MILSTEIN_2021_TRACK as T } from './constants.js';
import { offsetBefore, rampFromWeights, rampPeak } from './ramp.js';
import { inputCentres, positionGrid, rateMaps } from './track.js';

describe('ramp readout', () => {
  const positions = positionGrid(T.trackLength, 187);
  const maps = rateMaps(T, inputCentres(T), positions);

  test('a silent cell has no ramp; one potentiated input gives rsf · dW · r(x)', () => {
    const weights = new Float64Array(200).fill(1);
    expect(rampFromWeights(T, weights, maps).every((v) => v === 0)).toBe(true);
    weights[42] = 3;
    const ramp = rampFromWeights(T, weights, maps);
    for (const k of [0, 40, 41, 100]) expect(ramp[k]).toBeCloseTo(T.rampScale * 2 * maps[42][k], 14);
  });

  test('the peak is refined by a parabola, across the wrap too', () => {
    const grid = positionGrid(10, 10); // 0.5, 1.5, ..., 9.5
    const parabola = grid.map((x) => 3 - (x - 4.2) ** 2);
    const peak = rampPeak(parabola, grid, 10);
    expect(peak.position).toBeCloseTo(4.2, 10);
    expect(peak.amplitude).toBeCloseTo(3, 10);
    const wrapped = grid.map((x) => 3 - (((x - 9.8 + 15) % 10) - 5) ** 2);
    expect(rampPeak(wrapped, grid, 10).position).toBeCloseTo(9.8, 10);
  });

  test('offset before the plateau is positive for a peak just before it', () => {
    expect(offsetBefore(107.5, 120, 187)).toBeCloseTo(12.5, 12);
    expect(offsetBefore(180, 3, 187)).toBeCloseTo(10, 12);
  });
});
