import type { TrackProtocol } from './constants.js';

/** Input field centres, evenly spaced, the first at half a spacing (cm). */
export function inputCentres(track: TrackProtocol): Float64Array {
  const spacing = track.trackLength / track.inputs;
  return Float64Array.from({ length: track.inputs }, (_, i) => spacing / 2 + i * spacing);
}

/** Signed circular displacement `to - from` in (-L/2, L/2] (cm). */
export function circularOffset(from: number, to: number, trackLength: number): number {
  let d = (to - from) % trackLength;
  if (d > trackLength / 2) d -= trackLength;
  if (d <= -trackLength / 2) d += trackLength;
  return d;
}

/** Rate of an input centred at `centre` when the animal is at `position` (Hz). */
export function inputRate(track: TrackProtocol, centre: number, position: number): number {
  const d = circularOffset(centre, position, track.trackLength) / track.fieldScale;
  return track.peakRate * Math.exp(-d * d);
}

/** Rate maps `[input][bin]` on the given positions. */
export function rateMaps(
  track: TrackProtocol,
  centres: Float64Array,
  positions: Float64Array,
): Float64Array[] {
  return Array.from(centres, (c) => positions.map((x) => inputRate(track, c, x)));
}

/** Bin centres of a 1 cm-or-finer readout grid over the track. */
export function positionGrid(trackLength: number, bins: number): Float64Array {
  const dx = trackLength / bins;
  return Float64Array.from({ length: bins }, (_, k) => dx / 2 + k * dx);
}

/**
 * One induction as the authors simulate it: a lap without plateau, `laps` laps with a plateau at
 * `plateauPosition`, a lap after; constant speed from position 0, sampled every dt.
 */
export interface InductionTimeline {
  readonly dt: number;
  /** Position (cm, in [0, L)) at each sample. */
  readonly position: Float64Array;
  /** 1 during a plateau, else 0. */
  readonly plateauGate: Float64Array;
  /** Sample index of each plateau onset. */
  readonly onsets: readonly number[];
}

export function inductionTimeline(
  track: TrackProtocol,
  plateauPosition: number,
  laps: number,
): InductionTimeline {
  const step = track.runSpeed * track.dt;
  const samples = Math.round(((laps + 2) * track.trackLength) / step);
  const position = new Float64Array(samples);
  for (let n = 0; n < samples; n++) position[n] = (n * step) % track.trackLength;
  const plateauGate = new Float64Array(samples);
  const plateauSamples = Math.round(track.plateauDuration / track.dt);
  const onsets: number[] = [];
  for (let lap = 1; lap <= laps; lap++) {
    // First sample at or past the plateau position on this lap.
    const onset = Math.ceil((lap * track.trackLength + plateauPosition) / step - 1e-9);
    onsets.push(onset);
    plateauGate.fill(1, onset, Math.min(samples, onset + plateauSamples));
  }
  return { dt: track.dt, position, plateauGate, onsets };
}
