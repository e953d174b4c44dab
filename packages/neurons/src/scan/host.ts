// The lifExp time loop on plain typed arrays: the body of the cpu and wasm scan kernels.
// Arithmetic is rounded to float32 after every operation (Math.fround), in the same order as
// the per-step tensor ops, so the fused loop reproduces the op loop's spikes.
import type { SurrogateSpec } from '../surrogate.js';
import { surrogateDerivative } from '../surrogate.js';

/** Per-step constants of the scan (float32-rounded where they enter arithmetic). */
export interface LifExpScanConstants {
  readonly alphaMem: number;
  readonly alphaSyn: number;
  readonly coupling: number;
  readonly threshold: number;
  /** Whole refractory steps after a spike (0: none). */
  readonly refractorySteps: number;
}

const f = Math.fround;

/**
 * Forward scan over `steps` rows of `width` = B·units neurons, `currents [steps, width]` row
 * major (input added to I at each step). Writes `spikes` and `v` (the pre-reset voltage).
 */
export function lifExpScanForward(
  currents: Float32Array,
  steps: number,
  width: number,
  c: LifExpScanConstants,
  spikes: Float32Array,
  v: Float32Array,
): void {
  const am = f(c.alphaMem);
  const as = f(c.alphaSyn);
  const k = f(c.coupling);
  const theta = f(c.threshold);
  const vState = new Float32Array(width);
  const iState = new Float32Array(width);
  const remaining = c.refractorySteps > 0 ? new Int32Array(width) : undefined;
  for (let t = 0; t < steps; t++) {
    const row = t * width;
    for (let j = 0; j < width; j++) {
      let vt = f(f(vState[j] * am) + f(iState[j] * k));
      iState[j] = f(f(iState[j] * as) + currents[row + j]);
      if (remaining !== undefined && remaining[j] > 0) {
        vt = 0;
        remaining[j]--;
      }
      const spiked = vt >= theta;
      v[row + j] = vt;
      spikes[row + j] = spiked ? 1 : 0;
      vState[j] = spiked ? 0 : vt;
      if (spiked && remaining !== undefined) remaining[j] = c.refractorySteps;
    }
  }
}

/**
 * Reverse-time scan: the gradient of a loss with respect to `currents`, given its gradients
 * `dSpikes` and `dV` (undefined: zero) with respect to the forward outputs, the forward `spikes` and `v`, and the
 * surrogate (the reset carries no gradient, as in the op loop). Writes `dCurrents`.
 */
export function lifExpScanBackward(
  dSpikes: Float32Array,
  dV: Float32Array | undefined,
  spikes: Float32Array,
  v: Float32Array,
  steps: number,
  width: number,
  c: LifExpScanConstants,
  surrogate: SurrogateSpec,
  dCurrents: Float32Array,
): void {
  const free =
    c.refractorySteps > 0 ? refractoryFreeMask(spikes, steps, width, c.refractorySteps) : undefined;
  const am = f(c.alphaMem);
  const as = f(c.alphaSyn);
  const k = f(c.coupling);
  const theta = f(c.threshold);
  const gVAfter = new Float32Array(width); // dL/dV after the reset of step t
  const gI = new Float32Array(width); // dL/dI after the input of step t
  for (let t = steps - 1; t >= 0; t--) {
    const row = t * width;
    for (let j = 0; j < width; j++) {
      const n = row + j;
      dCurrents[n] = gI[j];
      let g = f(
        (dV === undefined ? 0 : dV[n]) + f(dSpikes[n] * f(surrogateDerivative(surrogate, f(v[n] - theta)))),
      );
      g = f(g + f(gVAfter[j] * (1 - spikes[n])));
      if (free !== undefined && free[n] === 0) g = 0;
      gVAfter[j] = f(g * am);
      gI[j] = f(f(g * k) + f(gI[j] * as));
    }
  }
}

/** 1 where a neuron was free to integrate at step t (not within a refractory period). */
function refractoryFreeMask(spikes: Float32Array, steps: number, width: number, period: number): Uint8Array {
  const free = new Uint8Array(steps * width);
  const remaining = new Int32Array(width);
  for (let t = 0; t < steps; t++) {
    for (let j = 0; j < width; j++) {
      const n = t * width + j;
      if (remaining[j] > 0) remaining[j]--;
      else free[n] = 1;
      if (spikes[n] > 0) remaining[j] = period;
    }
  }
  return free;
}
