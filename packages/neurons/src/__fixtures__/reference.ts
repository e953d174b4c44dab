// Float64 reference simulators for the tests: plain loops over one neuron at a time, written
// from the model equations, independent of the package's tensor and kernel code.

/** Drive of one neuron over time (input added at each step) → spikes and pre-reset voltages. */
export interface Trace {
  spikes: number[];
  v: number[];
}

/**
 * LIF with exponential synapse, exact between grid points: at step t the state moves from
 * t − dt to t by the closed-form solution, then the step's input joins I, then threshold/reset.
 */
export function referenceLifExp(
  drive: readonly number[],
  p: { tauMem: number; tauSyn: number; threshold: number; dt: number; refractory?: number },
): Trace {
  let v = 0;
  let i = 0;
  let hold = 0;
  const holdSteps = Math.round((p.refractory ?? 0) / p.dt);
  const out: Trace = { spikes: [], v: [] };
  for (const x of drive) {
    const em = Math.exp(-p.dt / p.tauMem);
    const es = Math.exp(-p.dt / p.tauSyn);
    v = v * em + ((i * p.tauSyn) / (p.tauMem - p.tauSyn)) * (em - es);
    i = i * es + x;
    if (hold > 0) {
      v = 0;
      hold--;
    }
    const s = v >= p.threshold ? 1 : 0;
    out.spikes.push(s);
    out.v.push(v);
    if (s) {
      v = 0;
      hold = holdSteps;
    }
  }
  return out;
}

/** snnTorch Leaky / IF (beta 1) / ALIF (adaptation > 0) with the reset one step after the spike. */
export function referenceDiscreteLif(
  drive: readonly number[],
  p: {
    beta: number;
    threshold: number;
    reset: 'subtract' | 'zero';
    rho?: number;
    adaptation?: number;
  },
): Trace {
  let v = 0;
  let s = 0;
  let a = 0;
  const out: Trace = { spikes: [], v: [] };
  for (const x of drive) {
    const oldThreshold = p.threshold + (p.adaptation ?? 0) * a;
    v = p.reset === 'subtract' ? p.beta * v + x - s * oldThreshold : p.beta * v * (1 - s) + x;
    a = (p.rho ?? 0) * a + s;
    const threshold = p.threshold + (p.adaptation ?? 0) * a;
    s = v >= threshold ? 1 : 0;
    out.spikes.push(s);
    out.v.push(v);
  }
  return out;
}

/**
 * Forward-mode derivative of the lifExp scan: given a tangent `dDrive` of the drive, returns the
 * tangents of v and of the surrogate spikes (σ'(v − ϑ)·dv); the reset and the refractory hold
 * carry no derivative.
 */
export function referenceLifExpTangent(
  drive: readonly number[],
  dDrive: readonly number[],
  p: { tauMem: number; tauSyn: number; threshold: number; dt: number; refractory?: number },
  surrogate: (x: number) => number,
): { dv: number[]; dSpikes: number[] } {
  const em = Math.exp(-p.dt / p.tauMem);
  const es = Math.exp(-p.dt / p.tauSyn);
  const k = (p.tauSyn / (p.tauMem - p.tauSyn)) * (em - es);
  const forward = referenceLifExp(drive, p);
  let dv = 0;
  let di = 0;
  const out = { dv: [] as number[], dSpikes: [] as number[] };
  for (let t = 0; t < drive.length; t++) {
    dv = dv * em + di * k;
    di = di * es + dDrive[t];
    // Held neurons show v = 0 exactly (the reference forces it), with no derivative.
    const held = isHeld(forward.spikes, t, Math.round((p.refractory ?? 0) / p.dt));
    if (held) dv = 0;
    out.dv.push(dv);
    out.dSpikes.push(surrogate(forward.v[t] - p.threshold) * dv);
    if (forward.spikes[t]) dv = 0;
  }
  return out;
}

function isHeld(spikes: readonly number[], t: number, holdSteps: number): boolean {
  for (let back = 1; back <= holdSteps && t - back >= 0; back++) if (spikes[t - back]) return true;
  return false;
}
