import { PlasticityError } from '@plasticity/core-tensors';
import { Dual } from './dual.js';

const HALF_PI = Math.PI / 2;

/**
 * The quadratic integrate-and-fire neuron with an exponential current synapse (τs = τ/2), as
 * Klos & Memmesheimer write it: `τ dV/dt = V(V − 1) + I`, `τs dI/dt = −I`, an input spike adds its
 * weight to I. A spike is V = +∞ (reached in finite time), after which V = −∞. Between inputs
 * the voltage has closed forms (tan for I > 0, tanh for I < 0), so spike times are exact and
 * continuous in the weights: the minimum weight for one spike from rest is π²/4, and as a weight
 * falls towards it the spike time grows without bound instead of jumping.
 */
export interface QifNeuron {
  readonly tau: number;
  /** Scale α of the softplus that keeps the pseudodynamics suprathreshold. */
  readonly softplusScale: number;
}

export function qifNeuron(input: { tau?: number; softplusScale?: number } = {}): QifNeuron {
  const tau = input.tau ?? 1;
  const softplusScale = input.softplusScale ?? 10;
  if (!(tau > 0 && Number.isFinite(tau)))
    throw new PlasticityError('E_CONFIG', `QIF neuron: tau must be > 0, got ${tau}`, { field: 'tau' });
  if (!(softplusScale > 0))
    throw new PlasticityError('E_CONFIG', `QIF neuron: softplusScale must be > 0, got ${softplusScale}`, {
      field: 'softplusScale',
    });
  return Object.freeze({ tau, softplusScale });
}

/** The smallest input weight that makes a neuron at rest (V = 0, I = 0) spike: π²/4. */
export const QIF_MIN_SPIKE_WEIGHT = (Math.PI * Math.PI) / 4;

/** A QIF neuron's state; `v = −∞` right after a spike. */
export interface QifState {
  readonly v: Dual;
  readonly i: Dual;
}

const isReset = (v: Dual) => v.value === -Infinity;

/** The state `dt` after `state` with no input in between (exact). */
export function qifFlow(neuron: QifNeuron, state: QifState, dt: Dual): QifState {
  const { tau } = neuron;
  const decay = dt.div(-tau).exp(); // e^(−dt/τ)
  const i = state.i.mul(decay).mul(decay); // τs = τ/2
  const { v } = state;
  const current = state.i.value;
  let next: Dual;
  if (current === 0) {
    // V(t) = V/(V − (V − 1)/e); from −∞: e/(e − 1).
    next = isReset(v) ? decay.div(decay.sub(1)) : v.div(v.sub(v.sub(1).div(decay)));
  } else if (current > 0) {
    const root = state.i.sqrt();
    const start = isReset(v) ? Dual.constant(-HALF_PI, v.grad.length) : v.div(root).atan();
    next = root.mul(decay).mul(start.add(root.mul(decay.neg().add(1))).tan());
  } else {
    const root = state.i.neg().sqrt();
    const lag = root.mul(decay.neg().add(1));
    if (isReset(v) || Math.abs(v.value) > root.value) {
      const start = isReset(v) ? Dual.constant(0, v.grad.length) : root.div(v).atanh();
      next = root.mul(decay).div(start.sub(lag).tanh());
    } else {
      next = root.mul(decay).mul(v.div(root).atanh().sub(lag).tanh());
    }
  }
  return { v: next, i };
}

/** Time from `state` to the next spike without further input, or undefined if it never spikes. */
export function qifTimeToSpike(neuron: QifNeuron, state: QifState): Dual | undefined {
  const { tau } = neuron;
  const { v } = state;
  const current = state.i.value;
  if (current === 0) {
    // V diverges iff V > 1: dt = τ ln(V/(V − 1)).
    return !isReset(v) && v.value > 1 ? v.div(v.sub(1)).log().mul(tau) : undefined;
  }
  if (current > 0) {
    // Spike iff √I(1 − e) reaches π/2 − arctan(V/√I) while 1 − e < 1.
    const root = state.i.sqrt();
    const start = isReset(v) ? Dual.constant(-HALF_PI, v.grad.length) : v.div(root).atan();
    const needed = start.neg().add(HALF_PI).div(root); // = 1 − e at the spike
    return needed.value < 1 ? needed.neg().add(1).log().mul(-tau) : undefined;
  }
  // I < 0: only from above the repelling branch, V > √|I|, and only if atanh(√|I|/V) < √|I|.
  const root = state.i.neg().sqrt();
  if (isReset(v) || !(v.value > root.value)) return undefined;
  const needed = root.div(v).atanh().div(root);
  return needed.value < 1 ? needed.neg().add(1).log().mul(-tau) : undefined;
}

/** One input spike: its time and weight (either may be a trained parameter). */
export interface QifInput {
  readonly time: Dual;
  readonly weight: Dual;
}

/** What `simulateQif` returns. */
export interface QifTrial {
  /** Spike times within the trial. */
  readonly spikes: readonly Dual[];
  /** The state at the trial end. */
  readonly final: QifState;
}

/**
 * Simulates one QIF neuron exactly over `[0, duration)` from `initial`, event by event: flows in
 * closed form between inputs, spikes where the flow diverges. Derivatives travel with the values.
 */
export function simulateQif(
  neuron: QifNeuron,
  inputs: readonly QifInput[],
  duration: number,
  initial: QifState,
): QifTrial {
  const sorted = [...inputs]
    .filter((x) => x.time.value < duration)
    .sort((a, b) => a.time.value - b.time.value);
  const spikes: Dual[] = [];
  let state = initial;
  let time = Dual.constant(0, initial.v.grad.length);
  const advanceTo = (until: Dual) => {
    for (;;) {
      const toSpike = qifTimeToSpike(neuron, state);
      if (toSpike === undefined || time.value + toSpike.value >= until.value) break;
      const spike = time.add(toSpike);
      spikes.push(spike);
      const decay = toSpike.div(-neuron.tau).exp();
      state = { v: Dual.constant(-Infinity, time.grad.length), i: state.i.mul(decay).mul(decay) };
      time = spike;
    }
    state = qifFlow(neuron, state, until.sub(time));
    time = until;
  };
  for (const input of sorted) {
    advanceTo(input.time);
    state = { v: state.v, i: state.i.add(input.weight) };
  }
  advanceTo(Dual.constant(duration, time.grad.length));
  return { spikes, final: state };
}

/**
 * The k-th pseudospike times (k = 1, 2, …) after a trial ending in `final`: the neuron continues
 * as a QIF neuron with the constant suprathreshold drive `softplus(I(T) + drive)`, whose phase
 * `φ = τ(arctan((V − ½)/√I) + π/2)/√I` grows at rate 1 to the period `τπ/√I`.
 */
export function qifPseudospikes(
  neuron: QifNeuron,
  final: QifState,
  drive: Dual | number,
  duration: number,
  ks: readonly number[],
): Dual[] {
  const { tau, softplusScale } = neuron;
  const current = final.i.add(drive);
  const root = current.div(softplusScale).softplus().mul(softplusScale).sqrt();
  const angle = isReset(final.v)
    ? Dual.constant(-HALF_PI, root.grad.length)
    : final.v.sub(0.5).div(root).atan();
  const phase = angle.add(HALF_PI).mul(tau).div(root);
  const period = Dual.constant(tau * Math.PI, root.grad.length).div(root);
  return ks.map((k) => period.mul(k).sub(phase).add(duration));
}
