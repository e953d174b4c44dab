import { PlasticityError } from '@plasticity/core-tensors';
import type { LifExpParams } from '../models/params.js';

// Bound once: inside test runners' vm contexts every global lookup (`Math`) is slow.
const { abs, exp, log, max } = Math;

/**
 * Constants every closed-form step of the event-driven LIF model uses, derived once from its
 * `lifExp` parameter record: `τm dV/dt = −V + I`, `τs dI/dt = −I`; a presynaptic spike adds its
 * weight to `I`; a spike when `V` reaches `threshold` from below resets `V` to 0 (absolute reset;
 * `I` carries on). Times in ms; voltages in units where the threshold is usually 1.
 */
export interface LifConstants {
  /** Membrane time constant τm, ms. */
  readonly tauMem: number;
  /** Synaptic time constant τs, ms (≠ τm). */
  readonly tauSyn: number;
  /** Firing threshold ϑ (> 0). */
  readonly threshold: number;
  /** `τs/(τm − τs)`: how much of `I` ends up in `V` (`V(t) = V0·e^(−t/τm) + I0·gain·(e^(−t/τm) − e^(−t/τs))`). */
  readonly gain: number;
  /** `τm/(τm − τs)`: the same coupling for the adjoint `λI` driven by `λV`. */
  readonly adjointGain: number;
  /** `1/τs − 1/τm`: rate of the stationary-point formula. */
  readonly rateGap: number;
}

/**
 * The constants of a `lifExp` record (validated by `lifExpParams`; `dt` is unused here). E_CONFIG
 * for what the exact event solution does not cover: τm = τs and a refractory period.
 */
export function lifConstants(model: LifExpParams): LifConstants {
  const { tauMem, tauSyn, threshold } = model;
  // The closed forms divide by τm − τs; equal constants need the t·e^(−t/τ) form we do not implement.
  if (abs(tauMem - tauSyn) < 1e-3 * max(tauMem, tauSyn)) {
    throw new PlasticityError('E_CONFIG', `tauMem (${tauMem}) and tauSyn (${tauSyn}) must differ`, {
      field: 'tauSyn',
    });
  }
  if (model.refractory !== 0) {
    throw new PlasticityError(
      'E_CONFIG',
      `the event-driven LIF model has no refractory period, got ${model.refractory} ms`,
      {
        field: 'refractory',
      },
    );
  }
  return {
    tauMem,
    tauSyn,
    threshold,
    gain: tauSyn / (tauMem - tauSyn),
    adjointGain: tauMem / (tauMem - tauSyn),
    rateGap: 1 / tauSyn - 1 / tauMem,
  };
}

/** Voltage `s` ms after a state `(v, i)` with no input in between. */
export function voltageAfter(c: LifConstants, v: number, i: number, s: number): number {
  const em = exp(-s / c.tauMem);
  return v * em + i * c.gain * (em - exp(-s / c.tauSyn));
}

/**
 * Time (ms after the state) of the voltage's one stationary point, or NaN when it has none
 * at a positive time. `V(s) = a·e^(−s/τm) + b·e^(−s/τs)` has at most one.
 */
export function stationaryTime(c: LifConstants, v: number, i: number): number {
  const a = v + i * c.gain;
  const ratio = (i * c.adjointGain) / a;
  if (!(ratio > 0)) return NaN;
  const s = log(ratio) / c.rateGap;
  return s > 0 ? s : NaN;
}

/**
 * The first time in `(0, hi]` at which the voltage from state `(v, i)` reaches the threshold,
 * given `V(0) < ϑ ≤ V(hi)` (exactly one upward crossing lies there because V is unimodal).
 * Newton's method kept inside a shrinking bracket, falling back to bisection; converges to
 * float64 precision in a handful of steps.
 */
export function crossingTime(c: LifConstants, v: number, i: number, hi: number): number {
  const { tauMem, tauSyn, threshold } = c;
  const a = v + i * c.gain;
  const b = -i * c.gain;
  let lo = 0;
  let s = hi;
  // Start at the secant point of the bracket.
  const fHi = a * exp(-hi / tauMem) + b * exp(-hi / tauSyn) - threshold;
  const fLo = v - threshold;
  if (fHi > fLo) s = (hi * -fLo) / (fHi - fLo);
  for (let iter = 0; iter < 100; iter++) {
    const em = exp(-s / tauMem);
    const es = exp(-s / tauSyn);
    const f = a * em + b * es - threshold;
    if (f === 0) return s;
    if (f < 0) lo = s;
    else hi = s;
    const slope = -(a * em) / tauMem - (b * es) / tauSyn;
    let next = s - f / slope;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (abs(next - s) <= 1e-14 * (1 + s)) return next;
    if (hi - lo <= 1e-14 * (1 + hi)) return 0.5 * (lo + hi);
    s = next;
  }
  return hi;
}
