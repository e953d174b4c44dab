import type { BtspRuleParams } from './constants.js';
import { sigmoidGain } from './gains.js';

/** How weights follow the gains: once per lap (eLife 2021) or continuously (their later code). */
export type RuleForm = 'per-lap' | 'continuous';

/**
 * What drives plasticity in one induction, independent of the weights: the gains q+(ET_i·IS) and
 * q-(ET_i·IS) per input and sample, and the lap windows (plateau onset to the next onset; the last
 * runs to the end).
 */
export interface PlasticityDrive {
  readonly dt: number;
  readonly qPlus: readonly Float64Array[];
  readonly qMinus: readonly Float64Array[];
  /** `[start, stop)` sample ranges, one per induction lap. */
  readonly windows: readonly (readonly [number, number])[];
}

export function plasticityDrive(
  params: BtspRuleParams,
  eligibility: readonly Float64Array[],
  instructive: Float64Array,
  onsets: readonly number[],
  dt: number,
): PlasticityDrive {
  const qPlusOf = sigmoidGain(params.thetaPlus, params.halfWidthPlus);
  const qMinusOf = sigmoidGain(params.thetaMinus, params.halfWidthMinus);
  // q(0) = 0 exactly, so samples without overlap (before the first plateau) stay 0.
  const gains = (q: (x: number) => number) =>
    eligibility.map((trace) => {
      const out = new Float64Array(trace.length);
      for (let n = 0; n < trace.length; n++) {
        const overlap = trace[n] * instructive[n];
        if (overlap !== 0) out[n] = q(overlap);
      }
      return out;
    });
  const qPlus = gains(qPlusOf);
  const qMinus = gains(qMinusOf);
  const windows = onsets.map(
    (start, k) => [start, k + 1 < onsets.length ? onsets[k + 1] : instructive.length] as const,
  );
  return { dt, qPlus, qMinus, windows };
}

/** Trapezoid integral (seconds) of samples `[start, stop)`, as numpy's trapz over those samples. */
export function trapezoid(values: Float64Array, start: number, stop: number, dt: number): number {
  let sum = 0;
  for (let n = start; n + 1 < stop; n++) sum += values[n] + values[n + 1];
  return (sum * dt) / 2;
}

/**
 * One lap of the rule as a map on each input's normalised weight, `w <- slope·w + intercept`
 * (clipped to [0, 1] when `clip`): both forms are affine in w over a lap, so a lap's map is
 * computed once and applied to any number of cells.
 */
export interface LapMap {
  readonly slope: Float64Array;
  readonly intercept: Float64Array;
  readonly clip: boolean;
}

/** The lap maps of an induction, one per lap window. */
export function lapMaps(form: RuleForm, params: BtspRuleParams, drive: PlasticityDrive): LapMap[] {
  return form === 'per-lap' ? perLapMaps(params, drive) : continuousLapMaps(params, drive);
}

/** `w <- clip(w + k+ P (1 - w) - k- D w, 0, 1)` with P, D the lap's integrals of q+, q-. */
export function perLapMaps(params: BtspRuleParams, drive: PlasticityDrive): LapMap[] {
  return drive.windows.map(([start, stop]) => {
    const inputs = drive.qPlus.length;
    const slope = new Float64Array(inputs);
    const intercept = new Float64Array(inputs);
    for (let i = 0; i < inputs; i++) {
      const potentiation = params.kPlus * trapezoid(drive.qPlus[i], start, stop, drive.dt);
      const depression = params.kMinus * trapezoid(drive.qMinus[i], start, stop, drive.dt);
      slope[i] = 1 - potentiation - depression;
      intercept[i] = potentiation;
    }
    return { slope, intercept, clip: true };
  });
}

/**
 * `dw/dt = k+ q+ (1 - w) - k- q- w` (W = Wmax w: `dW/dt = (Wmax - W) k+ q+ - W k- q-`), each dt
 * step solved exactly for the gains held over it (`w <- w* + (w - w*) e^(-r dt)`), so w stays in
 * [0, 1]; the steps of a window compose into one affine map.
 */
export function continuousLapMaps(params: BtspRuleParams, drive: PlasticityDrive): LapMap[] {
  return drive.windows.map(([start, stop]) => {
    const inputs = drive.qPlus.length;
    const slope = new Float64Array(inputs);
    const intercept = new Float64Array(inputs);
    for (let i = 0; i < inputs; i++) {
      const qp = drive.qPlus[i];
      const qm = drive.qMinus[i];
      let a = 1;
      let b = 0;
      for (let n = start; n < stop; n++) {
        const up = params.kPlus * qp[n];
        const rate = up + params.kMinus * qm[n];
        if (rate === 0) continue;
        const decay = Math.exp(-rate * drive.dt);
        a *= decay;
        b = decay * b + (up / rate) * (1 - decay);
      }
      slope[i] = a;
      intercept[i] = b;
    }
    return { slope, intercept, clip: false };
  });
}

/** Normalised weights after each lap (`result[k]` after lap k + 1). */
export function applyLapMaps(maps: readonly LapMap[], initial: Float64Array): Float64Array[] {
  const snapshots: Float64Array[] = [];
  let w = initial;
  for (const map of maps) {
    const next = w.map((wi, i) => map.slope[i] * wi + map.intercept[i]);
    if (map.clip) for (let i = 0; i < next.length; i++) next[i] = Math.min(1, Math.max(0, next[i]));
    snapshots.push(next);
    w = next;
  }
  return snapshots;
}

/** Normalised weights after each induction lap (`result[k]` after lap k + 1). */
export function applyRule(
  form: RuleForm,
  params: BtspRuleParams,
  drive: PlasticityDrive,
  initial: Float64Array,
): Float64Array[] {
  return applyLapMaps(lapMaps(form, params, drive), initial);
}
