import { describe, expect, test } from '@jest/globals';
import { MILSTEIN_2021_PARAMS as P } from './constants.js';
import type { BtspRuleParams } from './constants.js';
import { applyRule, continuousLapMaps, perLapMaps, trapezoid } from './rule.js';
import type { PlasticityDrive } from './rule.js';

/** A drive with given gain series for two inputs and two lap windows. */
function drive(qPlus: number[][], qMinus: number[][], windows: [number, number][]): PlasticityDrive {
  return {
    dt: 0.01,
    qPlus: qPlus.map((q) => Float64Array.from(q)),
    qMinus: qMinus.map((q) => Float64Array.from(q)),
    windows,
  };
}

describe('the weight-dependent rule', () => {
  test('trapezoid matches a hand sum', () => {
    expect(trapezoid(Float64Array.from([0, 1, 3, 100]), 0, 3, 0.5)).toBeCloseTo(0.25 * (1 + 4), 12);
  });

  test('per lap: w + k+ P (1 - w) - k- D w, hand-computed, then clipped', () => {
    const d = drive([[0, 1, 1, 0]], [[0, 0.5, 0.5, 0]], [[0, 4]]);
    const p = 0.02; // trapezoid of 0,1,1,0 at dt 0.01
    const dd = 0.01;
    const w0 = 0.3;
    const [after] = applyRule('per-lap', P, d, Float64Array.from([w0]));
    expect(after[0]).toBeCloseTo(w0 + P.kPlus * p * (1 - w0) - P.kMinus * dd * w0, 14);
    const strong: BtspRuleParams = { ...P, kPlus: 200, kMinus: 0 };
    expect(applyRule('per-lap', strong, d, Float64Array.from([w0]))[0][0]).toBe(1);
    const depressing: BtspRuleParams = { ...P, kPlus: 0, kMinus: 500 };
    expect(applyRule('per-lap', depressing, d, Float64Array.from([w0]))[0][0]).toBe(0);
  });

  test('continuous with constant gains: the closed form w* + (w0 - w*) e^(-(a + b) T)', () => {
    const n = 301;
    const d = drive([new Array(n).fill(0.6)], [new Array(n).fill(0.9)], [[0, n]]);
    const a = P.kPlus * 0.6;
    const b = P.kMinus * 0.9;
    const w0 = 0.8;
    const wStar = a / (a + b);
    const [after] = applyRule('continuous', P, d, Float64Array.from([w0]));
    expect(after[0]).toBeCloseTo(wStar + (w0 - wStar) * Math.exp(-(a + b) * n * 0.01), 12);
  });

  test('continuous lap maps match a fine Euler integration of dW/dt = (Wmax - W) k+ q+ - W k- q-', () => {
    const n = 400;
    const qp = Array.from({ length: n }, (_, k) => Math.max(0, Math.sin(k / 40)));
    const qm = Array.from({ length: n }, (_, k) => Math.abs(Math.cos(k / 25)));
    const d = drive(
      [qp],
      [qm],
      [
        [0, 200],
        [200, n],
      ],
    );
    const W0 = 2.5;
    const [lap1, lap2] = applyRule('continuous', P, d, Float64Array.from([W0 / P.maxWeight]));
    // Euler on W with 100 substeps per sample, gains held over each sample.
    let W = W0;
    const euler: number[] = [];
    for (let k = 0; k < n; k++) {
      for (let s = 0; s < 100; s++) {
        W += 1e-4 * ((P.maxWeight - W) * P.kPlus * qp[k] - W * P.kMinus * qm[k]);
      }
      if (k === 199 || k === n - 1) euler.push(W);
    }
    expect(lap1[0] * P.maxWeight).toBeCloseTo(euler[0], 4);
    expect(lap2[0] * P.maxWeight).toBeCloseTo(euler[1], 4);
  });

  test('both forms agree to first order: their gap shrinks in proportion to the rates', () => {
    // Gains that vanish at the window's ends (as at a lap's edges), so the trapezoid and the
    // step-by-step sum integrate them alike.
    const qp = Array.from({ length: 300 }, (_, k) => Math.sin((Math.PI * k) / 299) ** 2);
    const qm = Array.from({ length: 300 }, (_, k) => Math.sin((Math.PI * k) / 299) ** 4);
    const d = drive([qp], [qm], [[0, 300]]);
    const w0 = 0.4;
    const gap = (scale: number): number => {
      const slow: BtspRuleParams = { ...P, kPlus: P.kPlus * scale, kMinus: P.kMinus * scale };
      const perLap = perLapMaps(slow, d)[0];
      const continuous = continuousLapMaps(slow, d)[0];
      const change = (m: { slope: Float64Array; intercept: Float64Array }) =>
        m.slope[0] * w0 + m.intercept[0] - w0;
      expect(Math.abs(change(perLap))).toBeGreaterThan(scale * 1e-2);
      return Math.abs(change(continuous) / change(perLap) - 1);
    };
    const coarse = gap(1e-2);
    const fine = gap(1e-3);
    expect(coarse).toBeLessThan(0.02);
    expect(coarse / fine).toBeGreaterThan(8);
    expect(coarse / fine).toBeLessThan(12);
  });
});
