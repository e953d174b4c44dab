import { describe, expect, test } from '@jest/globals';
import { MILSTEIN_2021_PARAMS as P } from './constants.js';
import { sigmoidGain } from './gains.js';

describe('sigmoidGain', () => {
  const qPlus = sigmoidGain(P.thetaPlus, P.halfWidthPlus);
  const qMinus = sigmoidGain(P.thetaMinus, P.halfWidthMinus);

  test('reproduces the published checks from the fitted constants', () => {
    expect(qPlus(0.3)).toBeCloseTo(0.30033, 5);
    expect(qPlus(0.5)).toBeCloseTo(0.57408, 5);
    expect(qMinus(0.1)).toBeCloseTo(0.7048, 5);
    expect(qMinus(0.2)).toBeCloseTo(0.95263, 5);
  });

  test('maps [0, 1] onto [0, 1], increasing, with its steepest point at theta', () => {
    for (const q of [qPlus, qMinus]) {
      expect(q(0)).toBe(0);
      expect(q(1)).toBeCloseTo(1, 12);
      for (let x = 0; x < 1; x += 0.05) expect(q(x + 0.05)).toBeGreaterThan(q(x));
    }
    // Slope of the logistic at theta is (2/hw)/4, times the rescaling 1/(s(1) - s(0)).
    const q = sigmoidGain(0.5, 0.2);
    const s = (x: number) => 1 / (1 + Math.exp(-10 * (x - 0.5)));
    const h = 1e-6;
    const slope = (q(0.5 + h) - q(0.5 - h)) / (2 * h);
    expect(slope).toBeCloseTo(10 / 4 / (s(1) - s(0)), 5);
  });
});
