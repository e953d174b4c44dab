import { describe, expect, test } from '@jest/globals';
import { fieldShift } from './field-shift.js';
import { positionGrid } from './track.js';

describe('fieldShift', () => {
  test('finds the largest rise and fall and reads the change at the old peak and new plateau', () => {
    const positions = positionGrid(10, 10); // 0.5 ... 9.5
    const before = Float64Array.from([0, 0, 0, 0, 0, 0, 4, 5, 4, 0]);
    const after = Float64Array.from([0, 3, 2, 1, 0, 0, 3, 1.5, 3, 0]);
    const shift = fieldShift(positions, before, after, 7.2, 2.9, 10);
    expect(shift).toEqual({
      potentiationMv: 3,
      potentiationAtCm: 1.5,
      depressionMv: -3.5,
      depressionAtCm: 7.5,
      changeAtOldPeakMv: -3.5,
      changeAtNewPlateauMv: 2,
    });
    // Positions wrap around the track.
    expect(fieldShift(positions, before, after, 17.2, -7.1, 10).changeAtNewPlateauMv).toBe(2);
  });
});
