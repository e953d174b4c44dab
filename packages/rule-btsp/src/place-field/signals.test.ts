import { describe, expect, test } from '@jest/globals';
import { MILSTEIN_2021_PARAMS as P, MILSTEIN_2021_TRACK as T } from './constants.js';
import { eligibilityTraces, instructiveSignal } from './signals.js';
import { inductionTimeline, inputCentres } from './track.js';

describe('plasticity signals', () => {
  const timeline = inductionTimeline(T, 120, 1);

  test('the instructive signal peaks at 1 at the end of the plateau and decays with tau_IS', () => {
    const is = instructiveSignal(P, timeline);
    const onset = timeline.onsets[0];
    expect(Math.max(...is)).toBe(1);
    expect(is[onset + 29]).toBe(1);
    expect(is[onset - 1]).toBe(0);
    // After the plateau each 10 ms step multiplies it by exp(-dt/tau_IS).
    expect(is[onset + 60] / is[onset + 59]).toBeCloseTo(Math.exp(-0.01 / P.tauInstructive), 10);
  });

  test('eligibility traces share one normalisation: their global maximum is 1', () => {
    const centres = inputCentres(T);
    const et = eligibilityTraces(P, T, centres, timeline);
    let peak = 0;
    for (const trace of et) peak = Math.max(peak, ...trace);
    expect(peak).toBeCloseTo(1, 12);
    // The trace lags the field: an input's trace peaks after the animal passes its centre.
    const i = 100;
    const trace = et[i];
    const lap = 748;
    let best = lap;
    for (let n = lap; n < 2 * lap; n++) if (trace[n] > trace[best]) best = n;
    const passAt = lap + Math.round(centres[i] / (T.runSpeed * T.dt));
    expect(best).toBeGreaterThan(passAt);
  });
});
