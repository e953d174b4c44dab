import { describe, expect, test } from '@jest/globals';
import { MILSTEIN_2021_PARAMS as P, MILSTEIN_2021_TRACK as T } from './constants.js';
import { inductionMaps, inductionSetup, induceWeights, silentWeights } from './induction.js';
import { rampFromWeights } from './ramp.js';
import { positionGrid, rateMaps } from './track.js';

describe('place-field induction against an independent reference', () => {
  // From __fixtures__/milstein-reference.py (numpy, the authors' steps): the largest ramp on the
  // 1 cm grid after each lap of 3 plateaus at 120 cm, then the change at 25.5 cm after each lap
  // of a second induction at 45 cm.
  const lapPeaks = [
    [9.146081, 109.5],
    [7.652709, 105.5],
    [7.985579, 106.5],
  ];
  const secondChangeAt25 = [8.056853, 7.114736, 7.367439];

  test('per-lap rule: the same ramps, lap by lap', () => {
    const first = inductionSetup(P, T, 120, 3);
    const positions = positionGrid(T.trackLength, 187);
    const rates = rateMaps(T, first.centres, positions);
    const laps = induceWeights(P, inductionMaps(P, first, 'per-lap'), silentWeights(T.inputs));
    laps.forEach((w, k) => {
      const ramp = rampFromWeights(T, w, rates);
      let best = 0;
      for (let i = 1; i < ramp.length; i++) if (ramp[i] > ramp[best]) best = i;
      expect(ramp[best]).toBeCloseTo(lapPeaks[k][0], 5);
      expect(positions[best]).toBe(lapPeaks[k][1]);
    });
    const second = inductionSetup(P, T, 45, 3);
    const before = rampFromWeights(T, laps[2], rates);
    induceWeights(P, inductionMaps(P, second, 'per-lap'), laps[2]).forEach((w, k) => {
      expect(rampFromWeights(T, w, rates)[25] - before[25]).toBeCloseTo(secondChangeAt25[k], 5);
    });
  });
});
