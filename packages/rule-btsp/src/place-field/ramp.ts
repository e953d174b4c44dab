import type { TrackProtocol } from './constants.js';
import { circularOffset } from './track.js';

/** Ramp depolarisation (mV) on the readout grid: `rsf · Σ_i (W_i - 1) r_i(x)`. */
export function rampFromWeights(
  track: TrackProtocol,
  weights: Float64Array,
  maps: readonly Float64Array[],
): Float64Array {
  const ramp = new Float64Array(maps[0]?.length ?? 0);
  for (let i = 0; i < weights.length; i++) {
    const dw = weights[i] - 1;
    if (dw === 0) continue;
    const map = maps[i];
    for (let k = 0; k < ramp.length; k++) ramp[k] += dw * map[k];
  }
  for (let k = 0; k < ramp.length; k++) ramp[k] *= track.rampScale;
  return ramp;
}

export interface RampPeak {
  /** Peak amplitude (mV). */
  readonly amplitude: number;
  /** Peak position (cm), refined by a parabola through the top bin and its circular neighbours. */
  readonly position: number;
}

/** Maximum of a ramp sampled on an even circular grid `positions`. */
export function rampPeak(ramp: Float64Array, positions: Float64Array, trackLength: number): RampPeak {
  let best = 0;
  for (let k = 1; k < ramp.length; k++) if (ramp[k] > ramp[best]) best = k;
  const n = ramp.length;
  const left = ramp[(best - 1 + n) % n];
  const right = ramp[(best + 1) % n];
  const curvature = left - 2 * ramp[best] + right;
  const shift = curvature < 0 ? (0.5 * (left - right)) / curvature : 0;
  const dx = trackLength / n;
  const position = (((positions[best] + shift * dx) % trackLength) + trackLength) % trackLength;
  const amplitude = ramp[best] - 0.25 * (left - right) * shift;
  return { amplitude, position };
}

/** How far (cm) the peak lies before the plateau position, along the running direction. */
export function offsetBefore(peakPosition: number, plateauPosition: number, trackLength: number) {
  return circularOffset(peakPosition, plateauPosition, trackLength);
}
