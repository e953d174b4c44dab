import * as tf from '@tensorflow/tfjs-core';
import { tidy } from '../tidy.js';
import type { GatedThetaParams } from './params.js';
import type { NeuronState } from './state.js';

const TWO_PI = 2 * Math.PI;

/** One step of a gated-synapse theta population: passages, phase, synaptic output, next state. */
export interface GatedThetaStepResult {
  /** 1 where the phase passed π during this step (a spike, for rasters and rates; no gradient). */
  readonly spikes: tf.Tensor;
  /** The phase θ in [0, 2π) after this step. */
  readonly v: tf.Tensor;
  /** The synaptic output s after this step: what the next layer (and the recurrence) receives. */
  readonly output: tf.Tensor;
  readonly state: NeuronState;
}

/**
 * The gate's primitive inside one period, `B(x) = x − sin(2πx)/2π` for the position `x` ∈ [0, 1]
 * across the gate: `B' = 1 − cos 2πx` is the raised-cosine gate (zero at both edges, integral 1).
 * Phases in [0, 2π) put the gate at [π − Δ/2, π + Δ/2].
 */
function gatePrimitive(phase: tf.Tensor, width: number): tf.Tensor {
  return tidy(() => {
    const x = tf.clipByValue(tf.add(tf.mul(phase, 1 / width), 0.5 - Math.PI / width), 0, 1);
    return tf.sub(x, tf.mul(tf.sin(tf.mul(x, TWO_PI)), 1 / TWO_PI));
  });
}

/**
 * 1 where the step from `theta` ∈ [0, 2π) to `moved` passed π: `moved` reached π, or 3π when
 * `theta` was already past π.
 */
function passedPi(theta: tf.Tensor, moved: tf.Tensor): tf.Tensor {
  const pastPi = tf.cast(tf.greaterEqual(theta, Math.PI), 'float32');
  return tf.cast(tf.greaterEqual(moved, tf.add(tf.mul(pastPi, TWO_PI), Math.PI)), 'float32');
}

/**
 * One explicit-Euler step of the theta neuron `τ dθ/dt = (1 − cos θ) + (1 + cos θ)·I` (no
 * threshold, no reset: a spike is the phase passing π) with the gated synapse of Huh & Sejnowski
 * (2018), `τs ds/dt = −s + g(θ) dθ/dt`. The deposit of a step is the exact integral of `g dθ`
 * along it, `G(θ_{n+1}) − G(θ_n)` with `G` the gate's primitive (rising by 1 per period), so a
 * full passage deposits exactly 1 and a partial one its fraction; then `s ← e^(−dt/τs)·s +
 * deposit` (s jumps by 1 per passage: τs times the paper's s). The phase is kept in [0, 2π) by
 * subtracting whole turns; the state keeps `G` of the phase (`gate`) for the next step's deposit. Every op is smooth or piecewise linear, so tfjs autodiff gives the
 * exact gradient of this discrete system (no surrogate).
 */
export function gatedThetaStep(
  params: GatedThetaParams,
  input: tf.Tensor,
  state: NeuronState,
): GatedThetaStepResult {
  return tidy(() => {
    const theta = state.v;
    const cos = tf.cos(theta);
    const velocity = tf.add(tf.sub(1, cos), tf.mul(tf.add(1, cos), input));
    const moved = tf.add(theta, tf.mul(velocity, params.dt / params.tauMem));
    const turns = tf.floor(tf.div(moved, TWO_PI));
    const phase = tf.sub(moved, tf.mul(turns, TWO_PI));
    const gate = gatePrimitive(phase, params.gateWidth);
    const deposit = tf.add(turns, tf.sub(gate, state.gate!));
    const output = tf.add(tf.mul(state.synapse!, Math.exp(-params.dt / params.tauSyn)), deposit);
    return { spikes: passedPi(theta, moved), v: phase, output, state: { v: phase, synapse: output, gate } };
  });
}
