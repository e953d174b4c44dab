import { PlasticityError } from '@plasticity/core-tensors';

// Bound once: inside test runners' vm contexts every global lookup (`Math`) is slow.
const { atan, PI, sqrt, tan } = Math;

/**
 * The theta neuron (quadratic integrate-and-fire with a constant suprathreshold drive) with
 * pulse coupling, `τ dV/dt = V(V − 1) + I0 + τ Σ w δ(t − t_in)`, in its phase form: between
 * pulses the phase `φ ∈ (0, Θ)` grows at rate 1, a spike is `φ = Θ` (V = +∞), after which
 * `φ = 0` (V = −∞). Klos & Memmesheimer, arXiv 2309.14523.
 */
export interface ThetaNeuron {
  /** Membrane time constant τ (in the trial's time unit). */
  readonly tau: number;
  /** Constant drive I0 > 1/4 (the neuron oscillates on its own). */
  readonly drive: number;
  /** ω = √(I0 − 1/4). */
  readonly omega: number;
  /** Θ = τπ/ω: the free period, and the phase at which the neuron spikes. */
  readonly period: number;
  /**
   * Phases within `eps` of 0 or Θ ignore pulses (V is ±∞ there to machine precision); this
   * keeps a neuron that has just spiked from spiking again at once.
   */
  readonly eps: number;
}

export interface ThetaNeuronInput {
  readonly tau?: number;
  readonly drive?: number;
  readonly eps?: number;
}

/** A theta neuron's record; the defaults are the paper's MNIST neuron (τ = 6/π, I0 = 5/4, Θ = 6). */
export function thetaNeuron(input: ThetaNeuronInput = {}): ThetaNeuron {
  const tau = input.tau ?? 6 / PI;
  const drive = input.drive ?? 5 / 4;
  const eps = input.eps ?? 1e-6;
  if (!(tau > 0 && Number.isFinite(tau)))
    throw new PlasticityError('E_CONFIG', `theta neuron: tau must be > 0, got ${tau}`, { field: 'tau' });
  if (!(drive > 0.25 && Number.isFinite(drive)))
    throw new PlasticityError('E_CONFIG', `theta neuron: drive I0 must be > 1/4, got ${drive}`, {
      field: 'drive',
    });
  if (!(eps > 0 && eps < 0.01))
    throw new PlasticityError('E_CONFIG', `theta neuron: eps must be in (0, 0.01), got ${eps}`, {
      field: 'eps',
    });
  const omega = sqrt(drive - 0.25);
  return Object.freeze({ tau, drive, omega, period: (tau * PI) / omega, eps });
}

/** The phase of voltage `v`: `(τ/ω)(arctan((v − ½)/ω) + π/2)`. */
export function thetaPhase(neuron: ThetaNeuron, v: number): number {
  const { tau, omega } = neuron;
  return (tau / omega) * (atan((v - 0.5) / omega) + PI / 2);
}

/** The voltage of phase `phase` ∈ (0, Θ): `ω tan(φω/τ − π/2) + ½`. */
export function thetaVoltage(neuron: ThetaNeuron, phase: number): number {
  const { tau, omega } = neuron;
  return omega * tan((phase * omega) / tau - PI / 2) + 0.5;
}

/** Whether a pulse moves this phase (it is not within `eps` of a spike). */
export function thetaSensitive(neuron: ThetaNeuron, phase: number): boolean {
  return phase > neuron.eps && phase < neuron.period - neuron.eps;
}

/** The phase transfer `H(φ, w)`: the phase after a pulse of weight `w` arrives at phase `φ`. */
export function thetaTransfer(neuron: ThetaNeuron, phase: number, weight: number): number {
  if (!thetaSensitive(neuron, phase)) return phase;
  return thetaPhase(neuron, thetaVoltage(neuron, phase) + weight);
}

/** The partial derivatives of `H(φ, w)`, for the adjoint. */
export interface ThetaSlopes {
  /** ∂H/∂φ = (1 + u²)/(1 + (u + w/ω)²) with u = (V(φ) − ½)/ω. */
  dPhase: number;
  /** ∂H/∂w = τ/(ω²(1 + (u + w/ω)²)). */
  dWeight: number;
}

/**
 * The phase's tangent `u = tan(φω/τ − π/2) = (V − ½)/ω`: between pulses all neurons of a layer
 * advance by the same time Δ, which in `u` is the Möbius map `(u + t)/(1 − u·t)` with one shared
 * `t = tan(ωΔ/τ)`, and a pulse `w` adds `w/ω`. The exact simulation runs in `u` for speed.
 */
export function thetaTangent(neuron: ThetaNeuron, phase: number): number {
  return tan((phase * neuron.omega) / neuron.tau - PI / 2);
}

/** The phase of tangent `u` (inverse of `thetaTangent`). */
export function thetaPhaseOfTangent(neuron: ThetaNeuron, u: number): number {
  return (neuron.tau / neuron.omega) * (atan(u) + PI / 2);
}

/** `u` of the phase Θ − eps: pulses move only `u` in (−bound, bound), as phases in (eps, Θ − eps). */
export function thetaTangentBound(neuron: ThetaNeuron): number {
  return -thetaTangent(neuron, neuron.eps);
}

/** The partials of `H` at tangent `u` (see `thetaTangent`) for a pulse `weight`, into `out`. */
export function thetaPulseSlopes(
  neuron: ThetaNeuron,
  u: number,
  weight: number,
  bound: number,
  out: ThetaSlopes,
): ThetaSlopes {
  if (!(u > -bound && u < bound)) {
    out.dPhase = 1;
    out.dWeight = 0;
    return out;
  }
  const after = u + weight / neuron.omega;
  const denominator = 1 + after * after;
  out.dPhase = (1 + u * u) / denominator;
  out.dWeight = neuron.tau / (neuron.omega * neuron.omega * denominator);
  return out;
}

/** The partials of `H(φ, w)` at phase `φ`, into `out`. */
export function thetaTransferSlopes(
  neuron: ThetaNeuron,
  phase: number,
  weight: number,
  out: ThetaSlopes,
): ThetaSlopes {
  return thetaPulseSlopes(neuron, thetaTangent(neuron, phase), weight, thetaTangentBound(neuron), out);
}
