import { describe, expect, test } from '@jest/globals';
import { binKernel, compareKernels, pearson, rmsError, weightDependence } from './binning.js';

const bins = { timeEdges: [-1, 0, 1], rampEdges: [5] };

describe('kernel binning', () => {
  test('means and counts per (initial ramp, time) bin; outside times left out', () => {
    const table = binKernel(
      [
        { t: -0.5, initialRamp: 0, deltaRamp: 2 },
        { t: -0.1, initialRamp: 4.9, deltaRamp: 4 },
        { t: 0, initialRamp: 5, deltaRamp: -1 },
        { t: 0.99, initialRamp: 9, deltaRamp: -3 },
        { t: 1, initialRamp: 0, deltaRamp: 100 },
        { t: -1.01, initialRamp: 0, deltaRamp: 100 },
      ],
      bins,
    );
    expect(Array.from(table.count[0])).toEqual([2, 0]);
    expect(Array.from(table.count[1])).toEqual([0, 2]);
    expect(table.mean[0][0]).toBe(3);
    expect(table.mean[0][1]).toBeNaN();
    expect(table.mean[1][1]).toBe(-2);
  });

  test('Pearson r and RMS error against hand values', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 12);
    expect(rmsError([0, 0], [3, 4])).toBeCloseTo(Math.sqrt(12.5), 12);
  });

  test('comparison uses only bins with enough samples on both sides', () => {
    const model = binKernel(
      [0, 1, 2].flatMap((k) => [
        { t: -0.5, initialRamp: 0, deltaRamp: k },
        { t: 0.5, initialRamp: 0, deltaRamp: 2 + k },
        { t: 0.5, initialRamp: 9, deltaRamp: -k },
      ]),
      bins,
    );
    const data = binKernel(
      [
        ...[0, 1].flatMap(() => [
          { t: -0.5, initialRamp: 0, deltaRamp: 0 },
          { t: 0.5, initialRamp: 0, deltaRamp: 4 },
        ]),
        { t: 0.5, initialRamp: 9, deltaRamp: 50 },
      ],
      bins,
    );
    const agreement = compareKernels(model, data, 2);
    expect(agreement.binsCompared).toBe(2);
    expect(agreement.pearson).toBeCloseTo(1, 12);
    expect(agreement.rmsError).toBeCloseTo(1, 12);
  });

  test('the weight-dependence signature averages bins near the plateau by initial ramp', () => {
    const s = weightDependence([
      { t: 1, initialRamp: 1, deltaRamp: 4 },
      { t: -1.5, initialRamp: 0, deltaRamp: 2 },
      { t: 2.5, initialRamp: 0, deltaRamp: 100 },
      { t: 0, initialRamp: 9, deltaRamp: -2 },
      { t: 0, initialRamp: 5, deltaRamp: 100 },
    ]);
    expect(s).toEqual({ lowMeanMv: 3, lowCount: 2, highMeanMv: -2, highCount: 1 });
  });
});
