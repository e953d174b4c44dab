import { expect, test } from '@jest/globals';
import { isPlasticityError } from '@plasticity/core-tensors';
import { lifExpParams } from '../models/params.js';
import { crossingTime, lifConstants, stationaryTime, voltageAfter } from './lif.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return isPlasticityError(e) ? e.code : 'other';
  }
  return undefined;
};

test('the constants come from the shared lifExp record', () => {
  const c = lifConstants(lifExpParams({ tauMem: 10, tauSyn: 2, threshold: 0.5 }));
  expect(c).toEqual({ tauMem: 10, tauSyn: 2, threshold: 0.5, gain: 0.25, adjointGain: 1.25, rateGap: 0.4 });
});

test('what the exact event solution does not cover is an E_CONFIG error', () => {
  expect(codeOf(() => lifConstants(lifExpParams({ tauMem: 5, tauSyn: 5 })))).toBe('E_CONFIG');
  expect(codeOf(() => lifConstants(lifExpParams({ refractory: 2 })))).toBe('E_CONFIG');
  // The record itself validates the fields, once.
  expect(codeOf(() => lifExpParams({ tauMem: -1 }))).toBe('E_CONFIG');
});

test('voltage, stationary point and crossing agree with a fine time grid', () => {
  const c = lifConstants(lifExpParams());
  const [v, i] = [0.1, 10]; // peaks near 1.3: crosses ϑ = 1 on the way up
  // Independent: the membrane ODE integrated with small Euler steps.
  let [vg, ig, t] = [v, i, 0];
  let peak = { t: 0, v };
  let crossing = NaN;
  const h = 1e-4;
  while (t < 40) {
    vg += (h * (ig - vg)) / c.tauMem;
    ig -= (h * ig) / c.tauSyn;
    t += h;
    if (vg > peak.v) peak = { t, v: vg };
    if (Number.isNaN(crossing) && vg >= c.threshold) crossing = t;
  }
  expect(voltageAfter(c, v, i, 40)).toBeCloseTo(vg, 3);
  expect(stationaryTime(c, v, i)).toBeCloseTo(peak.t, 2);
  expect(crossingTime(c, v, i, peak.t)).toBeCloseTo(crossing, 2);
  expect(voltageAfter(c, v, i, crossingTime(c, v, i, peak.t))).toBeCloseTo(c.threshold, 12);
});
