import type { LifConstants } from './lif.js';
import { stationaryTime, voltageAfter } from './lif.js';
import type { SpikeList } from './spike-buffer.js';
import type { VoltageReadout } from '../vocabulary.js';

// Bound once: inside test runners' vm contexts every global lookup (`Math`) is slow.
const { exp, max } = Math;

// What a non-spiking leaky-integrator output reports per unit (V follows the LIF dynamics
// without threshold), a `VoltageReadout`: `max-voltage` = max over `[0, T]` of V (V(0) = 0
// counts), `mean-voltage` = (1/T)∫V dt, `exp-mean-voltage` = (1/T)∫e^(−t/T)·V dt (Nowotny et
// al.'s loss shaping). T = duration in ms.

/** Per-unit scratch and results of a readout, reused for every sample. */
export interface ReadoutState {
  readonly value: Float64Array;
  readonly v: Float64Array;
  readonly i: Float64Array;
  /** max: time of the maximum, ms. */
  readonly peakTime: Float64Array;
  /** max: how many input spikes arrived strictly before the maximum. */
  readonly before: Int32Array;
  /**
   * max: dV/dt just before the maximum when it sits on an input spike that turned V
   * downwards (moving that spike moves the maximum with it), else 0.
   */
  readonly kinkSlope: Float64Array;
  /** max backward: per input spike `e^((t − T)/τm)` and `e^((t − T)/τs)`, grown as needed. */
  spikeM: Float64Array;
  spikeS: Float64Array;
}

export function readoutState(size: number): ReadoutState {
  return {
    value: new Float64Array(size),
    v: new Float64Array(size),
    i: new Float64Array(size),
    peakTime: new Float64Array(size),
    before: new Int32Array(size),
    kinkSlope: new Float64Array(size),
    spikeM: new Float64Array(64),
    spikeS: new Float64Array(64),
  };
}

/** Kernel integral `(1/T)∫_{t}^{T} w(τ)·κ(τ − t) dτ` of one input spike at `t` and its t-derivative. */
function integralKernel(
  c: LifConstants,
  kind: 'mean-voltage' | 'exp-mean-voltage',
  t: number,
  duration: number,
  out: Float64Array,
): void {
  const { tauMem, tauSyn, gain } = c;
  const left = duration - t;
  const scale = gain / duration;
  if (kind === 'mean-voltage') {
    const em = exp(-left / tauMem);
    const es = exp(-left / tauSyn);
    out[0] = scale * (tauMem * (1 - em) - tauSyn * (1 - es));
    out[1] = -scale * (em - es);
    return;
  }
  // e^(−τ/T)·e^(−τ/τx) = e^(−τ/ax) with 1/ax = 1/T + 1/τx.
  const am = 1 / (1 / duration + 1 / tauMem);
  const as = 1 / (1 / duration + 1 / tauSyn);
  const em = exp(-left / am);
  const es = exp(-left / as);
  const decay = exp(-t / duration);
  const h = am * (1 - em) - as * (1 - es);
  out[0] = scale * decay * h;
  out[1] = -scale * decay * (h / duration + (em - es));
}

/**
 * Readout of a leaky-integrator layer driven by `input` through `kernel [inputs, size]`.
 * `max` runs the exact dynamics event by event and takes, per interval, the end point or the
 * interior stationary point; the integrals use each spike's kernel integral in closed form.
 */
export function forwardReadout(
  c: LifConstants,
  kind: VoltageReadout,
  input: SpikeList,
  kernel: Float64Array,
  size: number,
  duration: number,
  state: ReadoutState,
  scratch: Float64Array,
): void {
  const { value } = state;
  value.fill(0);
  if (kind !== 'max-voltage') {
    for (let e = 0; e < input.count; e++) {
      integralKernel(c, kind, input.times[e], duration, scratch);
      const row = input.units[e] * size;
      const k0 = scratch[0];
      for (let k = 0; k < size; k++) value[k] += kernel[row + k] * k0;
    }
    return;
  }
  const { tauMem, tauSyn, gain } = c;
  const { v, i: cur, peakTime, before, kinkSlope } = state;
  v.fill(0);
  cur.fill(0);
  peakTime.fill(0);
  before.fill(0);
  kinkSlope.fill(0);
  const events = input.count;
  let t = 0;
  for (let e = 0; e <= events; e++) {
    const tNext = e < events ? input.times[e] : duration;
    const dt = tNext - t;
    if (dt > 0) {
      const em = exp(-dt / tauMem);
      const es = exp(-dt / tauSyn);
      const g = gain * (em - es);
      for (let k = 0; k < size; k++) {
        const vk = v[k];
        const ik = cur[k];
        const vEnd = vk * em + ik * g;
        const iEnd = ik * es;
        // V ≤ v·em + i·(1 − em) (it relaxes towards a decaying positive current): skip peaks
        // that cannot beat the maximum so far.
        if (ik > vk && iEnd < vEnd && vk * em + ik * (1 - em) > value[k]) {
          const peak = stationaryTime(c, vk, ik);
          if (peak < dt) {
            const vPeak = voltageAfter(c, vk, ik, peak);
            if (vPeak > value[k]) {
              value[k] = vPeak;
              peakTime[k] = t + peak;
              before[k] = e;
              kinkSlope[k] = 0;
            }
          }
        }
        if (vEnd > value[k]) {
          value[k] = vEnd;
          peakTime[k] = tNext;
          before[k] = e;
          // Still rising when spike e arrives: if it is the maximum, spike e made it one.
          kinkSlope[k] = e < events ? (iEnd - vEnd) / tauMem : 0;
        }
        v[k] = vEnd;
        cur[k] = iEnd;
      }
    }
    if (e < events) {
      const row = input.units[e] * size;
      for (let k = 0; k < size; k++) cur[k] += kernel[row + k];
    }
    t = tNext;
  }
}

/**
 * Gradients of a readout given `dValue[k] = ∂L/∂value_k`: adds to `kernelGrad` and to
 * `inputTimes[e]` (∂L/∂t of input spike e), both exact derivatives of `forwardReadout`.
 */
export function backwardReadout(
  c: LifConstants,
  kind: VoltageReadout,
  input: SpikeList,
  kernel: Float64Array,
  size: number,
  duration: number,
  state: ReadoutState,
  dValue: Float64Array,
  kernelGrad: Float64Array,
  inputTimes: Float64Array | undefined,
  scratch: Float64Array,
): void {
  if (kind !== 'max-voltage') {
    for (let e = 0; e < input.count; e++) {
      integralKernel(c, kind, input.times[e], duration, scratch);
      const row = input.units[e] * size;
      const k0 = scratch[0];
      const k1 = scratch[1];
      let acc = 0;
      for (let k = 0; k < size; k++) {
        kernelGrad[row + k] += dValue[k] * k0;
        acc += dValue[k] * kernel[row + k] * k1;
      }
      if (inputTimes !== undefined) inputTimes[e] += acc;
    }
    return;
  }
  const { tauMem, tauSyn, gain } = c;
  const { peakTime, before, kinkSlope } = state;
  const n = input.count;
  // κ(t* − t) = gain·(e^(−(t*−t)/τm) − e^(−(t*−t)/τs)) with each exponential split into a
  // per-spike and a per-output factor (referred to the window's end so neither overflows).
  const split = duration / tauSyn < 600 && duration / tauMem < 600;
  if (split && state.spikeM.length < n) {
    state.spikeM = new Float64Array(max(n, 2 * state.spikeM.length));
    state.spikeS = new Float64Array(state.spikeM.length);
  }
  const { spikeM, spikeS } = state;
  if (split) {
    for (let e = 0; e < n; e++) {
      spikeM[e] = exp((input.times[e] - duration) / tauMem);
      spikeS[e] = exp((input.times[e] - duration) / tauSyn);
    }
  }
  const gm = gain / tauMem;
  const gs = gain / tauSyn;
  for (let k = 0; k < size; k++) {
    const dk = dValue[k];
    if (dk === 0) continue;
    const peak = peakTime[k];
    const pm = exp((duration - peak) / tauMem);
    const ps = exp((duration - peak) / tauSyn);
    const last = before[k];
    for (let e = 0; e < last; e++) {
      // V(t*) = Σ_e W·κ(t* − t_e): ∂/∂W = κ, ∂/∂t_e = −W·κ'.
      let em: number;
      let es: number;
      if (split) {
        em = pm * spikeM[e];
        es = ps * spikeS[e];
      } else {
        const s = peak - input.times[e];
        em = exp(-s / tauMem);
        es = exp(-s / tauSyn);
      }
      const row = input.units[e] * size + k;
      kernelGrad[row] += dk * gain * (em - es);
      if (inputTimes !== undefined) inputTimes[e] -= dk * kernel[row] * (es * gs - em * gm);
    }
    if (inputTimes !== undefined && last < n) inputTimes[last] += dk * kinkSlope[k];
  }
}
