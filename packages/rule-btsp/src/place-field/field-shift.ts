/** How a second induction changed the ramp: potentiation at the new place, depression at the old. */
export interface FieldShift {
  /** Largest increase of the ramp (mV) and where (cm). */
  readonly potentiationMv: number;
  readonly potentiationAtCm: number;
  /** Largest decrease of the ramp (mV, negative) and where (cm). */
  readonly depressionMv: number;
  readonly depressionAtCm: number;
  /** Change at the readout bin holding the old field's peak (mV). */
  readonly changeAtOldPeakMv: number;
  /** Change at the readout bin holding the new plateau position (mV). */
  readonly changeAtNewPlateauMv: number;
}

/** `positions` is an even grid of bin centres over a circular track of `trackLength`. */
export function fieldShift(
  positions: Float64Array,
  before: Float64Array,
  after: Float64Array,
  oldPeakPosition: number,
  newPlateauPosition: number,
  trackLength: number,
): FieldShift {
  const change = after.map((v, k) => v - before[k]);
  let up = 0;
  let down = 0;
  for (let k = 1; k < change.length; k++) {
    if (change[k] > change[up]) up = k;
    if (change[k] < change[down]) down = k;
  }
  const binOf = (x: number): number => {
    const wrapped = ((x % trackLength) + trackLength) % trackLength;
    return Math.min(change.length - 1, Math.floor((wrapped / trackLength) * change.length));
  };
  return {
    potentiationMv: change[up],
    potentiationAtCm: positions[up],
    depressionMv: change[down],
    depressionAtCm: positions[down],
    changeAtOldPeakMv: change[binOf(oldPeakPosition)],
    changeAtNewPlateauMv: change[binOf(newPlateauPosition)],
  };
}
