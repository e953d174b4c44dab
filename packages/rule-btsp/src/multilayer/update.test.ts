import { describe, expect, test } from '@jest/globals';
import { btspRowUpdate, depressionGate, gateEligibility, hebbianRowUpdate, scaleRow } from './update.js';
import type { Eligibility } from './update.js';

const GATE = { threshold: 0.01, width: 0.01 };
const q = depressionGate(GATE);

/** The authors' per-sample update for one unit and one input, written out term by term. */
function handDelta(
  w: number,
  wmax: number,
  plateau: number,
  et: number,
  before: { plateau: number; et: number },
  gamma: number,
): number {
  const pos = Math.max(plateau, 0);
  let d = pos * ((wmax - w) * et - w * q(et));
  const pastEt = before.et * gamma;
  d += pos * ((wmax - w) * pastEt - w * q(pastEt));
  const pastPos = Math.max(before.plateau, 0);
  d += pastPos * ((wmax - w) * et * gamma - w * q(et * gamma));
  return d + Math.min(plateau, 0) * et;
}

function eligibility(current: number[], previous: number[], gamma: number): Eligibility {
  const n = current.length;
  const e: Eligibility = {
    current: Float32Array.from(current),
    previous: Float32Array.from(previous),
    gateCurrent: new Float32Array(n),
    gatePrevious: new Float32Array(n),
    gateCurrentDiscounted: new Float32Array(n),
  };
  gateEligibility(e, q, gamma);
  return e;
}

describe('depression gate q_dep', () => {
  test('is 0 at 0, 1 at 1, and about a tenth of the way up at its threshold', () => {
    expect(q(0)).toBeCloseTo(0, 12);
    expect(q(1)).toBeCloseTo(1, 12);
    // (σ(0) − σ(−2)) / (σ(198) − σ(−2)) with slope 2/width = 200.
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    expect(q(0.01)).toBeCloseTo((0.5 - s(-2)) / (s(198) - s(-2)), 10);
    expect(q(-3)).toBeCloseTo(0, 12); // clamped to [0, 1]
    expect(q(0.05)).toBeGreaterThan(0.999);
  });
});

describe('btspRowUpdate', () => {
  const wmax = 0.5;
  const rate = 0.1;
  const gamma = 0.2;
  const W = [0.1, 0.2, 0.3, 0.45, 0.0];
  const ET = [1, 0.5, 0, 0.02, 0.3];
  const PREVIOUS_ET = [0, 1, 0.8, 0, 0.3];

  test.each([
    ['a positive plateau', 0.8, 0],
    ['a negative plateau', -0.6, 0],
    ['a positive plateau after a previous one', 0.8, 0.5],
    ['a negative plateau after a positive one', -0.6, 0.5],
    ['only the previous plateau', 0, 0.9],
  ])('%s matches the terms written out by hand', (_, plateau, previousPlateau) => {
    const w = Float32Array.from(W);
    btspRowUpdate(w, plateau, previousPlateau, eligibility(ET, PREVIOUS_ET, gamma), gamma, rate, wmax);
    W.forEach((w0, i) => {
      const expected = Math.min(
        wmax,
        Math.max(
          0,
          w0 +
            rate *
              handDelta(w0, wmax, plateau, ET[i], { plateau: previousPlateau, et: PREVIOUS_ET[i] }, gamma),
        ),
      );
      expect(w[i]).toBeCloseTo(expected, 6);
    });
  });

  test('inputs silent in this sample and the previous one keep their weights', () => {
    const w = Float32Array.from([0.3, 0.3]);
    btspRowUpdate(w, 1, 1, eligibility([0, 1], [0, 0], gamma), gamma, rate, wmax);
    expect(w[0]).toBe(Float32Array.from([0.3])[0]);
    expect(w[1]).not.toBe(w[0]);
  });

  test('repeated positive plateaus drive an active input to the ceiling wmax·ET/(ET + q(ET))', () => {
    const w = Float32Array.from([0.05, 0.45]);
    const e = eligibility([0.5, 0.5], [0, 0], 0);
    for (let n = 0; n < 2000; n++) btspRowUpdate(w, 1, 0, e, 0, 0.05, wmax);
    const ceiling = (wmax * 0.5) / (0.5 + q(0.5));
    expect(w[0]).toBeCloseTo(ceiling, 5);
    expect(w[1]).toBeCloseTo(ceiling, 5);
  });

  test('weights stay in [0, wmax]', () => {
    const w = Float32Array.from([0.01, 0.49]);
    btspRowUpdate(w, -1, 0, eligibility([1, 1], [0, 0], 0), 0, 1, wmax);
    expect(w[0]).toBe(0);
    expect(w[1]).toBe(0);
  });
});

describe('hebbianRowUpdate and scaleRow', () => {
  test('competitive Hebb moves a winner towards the input pattern scaled to its summed weight', () => {
    const w = Float32Array.from([0.1, 0.2, 0.3]);
    const pre = Float32Array.from([1, 0, 0.5]);
    // total 0.6: the target pattern is 0.6·pre/1.5 = [0.4, 0, 0.2]; step lr·post = 0.1·0.5.
    hebbianRowUpdate(w, 0.5, pre, 0.6, 0.1, 0.5);
    const expected = [0.1 + 0.05 * (0.4 - 0.1), 0.2 + 0.05 * (0 - 0.2), 0.3 + 0.05 * (0.2 - 0.3)];
    Array.from(w).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(0.6, 6);
    for (let n = 0; n < 500; n++) hebbianRowUpdate(w, 1, pre, 0.6, 0.1, 0.5);
    expect(Array.from(w).map((v) => Number(v.toFixed(5)))).toEqual([0.4, 0, 0.2]);
  });

  test('scaling restores the summed weight, silent units stay silent', () => {
    const w = Float32Array.from([0.1, 0.3, 0.4]);
    scaleRow(w, 0.4, 1);
    expect(Array.from(w).map((v) => v / 0.5)).toEqual([0.1, 0.3, 0.4].map((v) => expect.closeTo(v, 6)));
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(0.4, 6);
    const silent = new Float32Array(3);
    scaleRow(silent, 0.4, 1);
    expect(Array.from(silent)).toEqual([0, 0, 0]);
  });
});
