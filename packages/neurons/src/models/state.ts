import * as tf from '@tensorflow/tfjs-core';
import type { GatedThetaParams, LeakyIntegratorParams, NeuronParams } from './params.js';

/**
 * A population's state, all tensors `[B, units]`. Which fields exist depends on the model:
 * `i` (synaptic current: lifExp, leaky integrator), `spikes` (last step's spikes, for the
 * next step's reset: lif, IF, ALIF), `adaptation` (ALIF trace), `refractory` (remaining
 * refractory steps, only when the refractory period is > 0), `synapse` and `gate` (gatedTheta:
 * the synaptic output s and the gate's primitive at the phase `v` ∈ [0, 2π)).
 */
export interface NeuronState {
  readonly v: tf.Tensor;
  readonly i?: tf.Tensor;
  readonly spikes?: tf.Tensor;
  readonly adaptation?: tf.Tensor;
  readonly refractory?: tf.Tensor;
  readonly synapse?: tf.Tensor;
  readonly gate?: tf.Tensor;
}

/** One step's result: spikes, the voltage compared with the threshold, and the next state. */
export interface StepResult {
  readonly spikes: tf.Tensor;
  /** Membrane potential at this step, before this step's reset (what crossed the threshold); may be the same tensor as `state.v`. */
  readonly v: tf.Tensor;
  readonly state: NeuronState;
}

/** The resting state (everything 0) of `units` neurons for `batch` samples. */
export function initialState(
  params: NeuronParams | LeakyIntegratorParams | GatedThetaParams,
  batch: number,
  units: number,
): NeuronState {
  const zeros = () => tf.zeros([batch, units]);
  switch (params.kind) {
    case 'lifExp':
      return params.refractory > 0
        ? { v: zeros(), i: zeros(), refractory: zeros() }
        : { v: zeros(), i: zeros() };
    case 'leakyIntegrator':
      return { v: zeros(), i: zeros() };
    case 'gatedTheta':
      // The gate's primitive is 0 at phase 0, which lies before the gate (width ≤ 2π).
      return { v: zeros(), synapse: zeros(), gate: zeros() };
    case 'lif':
    case 'integrateAndFire':
      return params.refractory > 0
        ? { v: zeros(), spikes: zeros(), refractory: zeros() }
        : { v: zeros(), spikes: zeros() };
    case 'alif':
      return params.refractory > 0
        ? { v: zeros(), spikes: zeros(), adaptation: zeros(), refractory: zeros() }
        : { v: zeros(), spikes: zeros(), adaptation: zeros() };
  }
}

/** The state's tensors, for disposal. */
export function stateTensors(state: NeuronState): tf.Tensor[] {
  return [
    state.v,
    state.i,
    state.spikes,
    state.adaptation,
    state.refractory,
    state.synapse,
    state.gate,
  ].filter((t): t is tf.Tensor => t !== undefined);
}
