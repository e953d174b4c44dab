// The snnTorch-style lif time loop on plain typed arrays: the body of the cpu and wasm lif scan
// kernels. Arithmetic is rounded to float32 after every operation (Math.fround), in the order of
// the per-step tensor ops of `lifStep`, so the fused loop reproduces the op loop's spikes.
//
// Neurons are independent, so the loops run over blocks of neurons with time inside: a block's
// previous row is still in the cache, and the state lives in the outputs themselves (v_{t−1}
// and s_{t−1} are the previous row), with no branch on the spikes.
import type { SurrogateSpec } from '../surrogate.js';
import { surrogateDerivative } from '../surrogate.js';

/** Per-step constants of the lif scan. */
export interface LifScanConstants {
  /** e^(−dt/τm): membrane decay per step. */
  readonly beta: number;
  readonly threshold: number;
  /** 'subtract' removes ϑ one step after a spike; 'zero' clears the membrane. */
  readonly reset: 'subtract' | 'zero';
}

const f = Math.fround;
/** Neurons per block: a block's rows of every array fit in the first-level cache. */
const BLOCK = 256;

/**
 * Forward scan over `steps` rows of `width` = B·units neurons from rest. `currents` is
 * `[steps, width]` row major, or one row `[width]` held at every step (a time-invariant input,
 * projected once). Writes `spikes` and `v` (the membrane each step compared with ϑ).
 */
export function lifScanForward(
  currents: Float32Array,
  steps: number,
  width: number,
  c: LifScanConstants,
  spikes: Float32Array,
  v: Float32Array,
): void {
  const beta = f(c.beta);
  const theta = f(c.threshold);
  const held = currents.length === width;
  for (let start = 0; start < width; start += BLOCK) {
    const end = Math.min(start + BLOCK, width);
    for (let j = start; j < end; j++) {
      const vt = currents[j]; // from rest: 0·β + input
      v[j] = vt;
      spikes[j] = vt >= theta ? 1 : 0;
    }
    for (let t = 1; t < steps; t++) {
      const row = t * width;
      const previous = row - width;
      const inputRow = held ? 0 : row;
      if (c.reset === 'subtract') {
        for (let j = start; j < end; j++) {
          // lifStep: sub(mul(v, β), mul(s, ϑ)), then add the input.
          const kept = f(f(v[previous + j] * beta) - spikes[previous + j] * theta);
          const vt = f(kept + currents[inputRow + j]);
          v[row + j] = vt;
          spikes[row + j] = vt >= theta ? 1 : 0;
        }
      } else {
        for (let j = start; j < end; j++) {
          // lifStep: mul(mul(v, β), 1 − s), then add the input.
          const kept = f(v[previous + j] * beta) * (1 - spikes[previous + j]);
          const vt = f(kept + currents[inputRow + j]);
          v[row + j] = vt;
          spikes[row + j] = vt >= theta ? 1 : 0;
        }
      }
    }
  }
}

/** The surrogate's derivative as a closure of one number, so the hot loops call one function. */
function derivativeOf(surrogate: SurrogateSpec): (x: number) => number {
  switch (surrogate.kind) {
    case 'arctan': {
      const scale = (Math.PI / 2) * surrogate.alpha;
      const peak = surrogate.alpha / 2;
      return (x) => {
        const u = scale * x;
        return peak / (1 + u * u);
      };
    }
    default:
      return (x) => surrogateDerivative(surrogate, x);
  }
}

/**
 * Reverse-time scan: the gradient with respect to `currents`, given the loss's gradients
 * `dSpikes` and `dV` (undefined: zero) with respect to the forward outputs, the forward `spikes` and `v`, and the
 * surrogate. The reset carries no gradient (snnTorch detaches it). `dCurrents` has the shape of
 * `currents`: one row summed over time for a time-invariant input.
 */
export function lifScanBackward(
  dSpikes: Float32Array,
  dV: Float32Array | undefined,
  spikes: Float32Array,
  v: Float32Array,
  steps: number,
  width: number,
  c: LifScanConstants,
  surrogate: SurrogateSpec,
  dCurrents: Float32Array,
): void {
  const beta = f(c.beta);
  const theta = f(c.threshold);
  const zeroReset = c.reset === 'zero';
  const held = dCurrents.length === width;
  const slope = derivativeOf(surrogate);
  const carry = new Float32Array(BLOCK); // dL/dv_t through v_{t+1}
  const sum = new Float32Array(BLOCK); // a held input's gradient, summed over time
  for (let start = 0; start < width; start += BLOCK) {
    const end = Math.min(start + BLOCK, width);
    carry.fill(0);
    sum.fill(0);
    for (let t = steps - 1; t >= 0; t--) {
      const row = t * width;
      for (let j = start; j < end; j++) {
        const n = row + j;
        const k = j - start;
        let g = f((dV === undefined ? 0 : dV[n]) + f(dSpikes[n] * f(slope(f(v[n] - theta)))));
        // With a zero reset, a spike at t cuts v_t out of v_{t+1}.
        g = f(g + (zeroReset ? carry[k] * (1 - spikes[n]) : carry[k]));
        if (held) sum[k] = f(sum[k] + g);
        else dCurrents[n] = g;
        carry[k] = f(g * beta);
      }
    }
    if (held) dCurrents.set(sum.subarray(0, end - start), start);
  }
}
