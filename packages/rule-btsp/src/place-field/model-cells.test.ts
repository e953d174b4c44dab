import { describe, expect, test } from '@jest/globals';
import { MILSTEIN_2021_PARAMS as P, MILSTEIN_2021_TRACK as T } from './constants.js';
import { modelCellWeights, modelKernelSamples } from './model-cells.js';
import type { LapMap } from './rule.js';
import { positionGrid, rateMaps, inputCentres } from './track.js';

describe('model cells with existing fields', () => {
  const template = Float64Array.from({ length: 8 }, (_, i) => (i === 2 ? 4 : i === 3 ? 0.5 : 1));

  test('a silent cell, then the template shifted and scaled, W clipped to [0, Wmax]', () => {
    const cells = modelCellWeights(P, template, { shiftStep: 4, scales: [0.5, 2] });
    expect(cells).toHaveLength(1 + 2 * 2);
    expect(Array.from(cells[0])).toEqual(new Array(8).fill(1));
    expect(Array.from(cells[1])).toEqual([1, 1, 2.5, 0.75, 1, 1, 1, 1]);
    expect(Array.from(cells[2])).toEqual([1, 1, P.maxWeight, 0, 1, 1, 1, 1]);
    expect(Array.from(cells[3])).toEqual([1, 1, 1, 1, 1, 1, 2.5, 0.75]);
  });

  test('samples each readout bin at its time from the plateau, with the ramp before and its change', () => {
    // An induction that halves every weight's distance to w = 1 in one lap.
    const inputs = T.inputs;
    const half: LapMap = {
      slope: new Float64Array(inputs).fill(0.5),
      intercept: new Float64Array(inputs).fill(0.5),
      clip: true,
    };
    const positions = positionGrid(T.trackLength, 11);
    const rates = rateMaps(T, inputCentres(T), positions);
    const samples = modelKernelSamples(P, T, [half], 120, positions, rates, {
      shiftStep: inputs,
      scales: [1],
    });
    expect(samples).toHaveLength(2 * 11);
    const k = 6; // bin centre 110.5 cm: passed 9.5 cm (0.38 s) before the plateau
    expect(samples[k].t).toBeCloseTo(-0.38, 12);
    expect(samples[k].initialRamp).toBe(0);
    // Silent cell: W goes from 1 to (1/Wmax + 1)/2 · Wmax at every input.
    const dW = (P.maxWeight + 1) / 2 - 1;
    const sumRates = rates.reduce((s, map) => s + map[k], 0);
    expect(samples[k].deltaRamp).toBeCloseTo(T.rampScale * dW * sumRates, 9);
    // The second cell starts from that field; the same induction moves it further up.
    expect(samples[11 + k].initialRamp).toBeCloseTo(T.rampScale * dW * sumRates, 9);
    expect(samples[11 + k].deltaRamp).toBeGreaterThan(0);
  });
});
