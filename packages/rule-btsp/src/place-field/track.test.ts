import { describe, expect, test } from '@jest/globals';
import { MILSTEIN_2021_TRACK as T } from './constants.js';
import { circularOffset, inductionTimeline, inputCentres, inputRate } from './track.js';

describe('track', () => {
  test('200 centres half a spacing from each end', () => {
    const c = inputCentres(T);
    expect(c.length).toBe(200);
    expect(c[0]).toBeCloseTo(0.4675, 12);
    expect(c[199]).toBeCloseTo(187 - 0.4675, 10);
  });

  test('circular offsets take the short way round', () => {
    expect(circularOffset(10, 180, 187)).toBeCloseTo(-17, 12);
    expect(circularOffset(180, 10, 187)).toBeCloseTo(17, 12);
    expect(circularOffset(120, 107.5, 187)).toBeCloseTo(-12.5, 12);
  });

  test('Gaussian fields: 40 Hz at the centre, 40/e one length scale away, across the wrap', () => {
    expect(inputRate(T, 50, 50)).toBe(40);
    expect(inputRate(T, 5, 5 - T.fieldScale + 187)).toBeCloseTo(40 / Math.E, 10);
    expect(T.fieldScale).toBeCloseTo(21.2132, 4);
  });

  test('a lap before, the induction laps, a lap after; plateau onsets on the plateau position', () => {
    const timeline = inductionTimeline(T, 120, 3);
    expect(timeline.position.length).toBe(5 * 748);
    expect(timeline.onsets).toEqual([748 + 480, 2 * 748 + 480, 3 * 748 + 480]);
    for (const onset of timeline.onsets) expect(timeline.position[onset]).toBeCloseTo(120, 9);
    expect(timeline.plateauGate.reduce((s, v) => s + v, 0)).toBe(3 * 30);
    expect(timeline.plateauGate[1228 + 29]).toBe(1);
    expect(timeline.plateauGate[1228 + 30]).toBe(0);
  });
});
