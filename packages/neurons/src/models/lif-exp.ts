import { tidy } from '../tidy.js';
import * as tf from '@tensorflow/tfjs-core';
import type { SpikeFunction } from '../surrogate.js';
import { expSynapseConstants, refractorySteps } from './decay.js';
import type { LeakyIntegratorParams, LifExpParams } from './params.js';
import { nextRefractory, notRefractory } from './refractory.js';
import type { NeuronState, StepResult } from './state.js';

/** V and I advanced exactly from t − dt to t, then this step's input added to I. */
function advance(
  params: LifExpParams | LeakyIntegratorParams,
  input: tf.Tensor,
  state: NeuronState,
): { v: tf.Tensor; i: tf.Tensor } {
  const { alphaMem, alphaSyn, coupling } = expSynapseConstants(params.tauMem, params.tauSyn, params.dt);
  const i = state.i!;
  return {
    v: tf.add(tf.mul(state.v, alphaMem), tf.mul(i, coupling)),
    i: tf.add(tf.mul(i, alphaSyn), input),
  };
}

/**
 * One step of the LIF neuron with exponential current synapse (`τm V̇ = −V + I`, `τs İ = −I`),
 * integrated exactly over `dt`: V and I advance from t − dt to t, the input (spikes × weights
 * arriving at t) is added to I, a spike is emitted where V ≥ ϑ and V is reset to 0 (absolute
 * reset; the reset carries no gradient). An input at step t first moves V at step t + 1.
 */
export function lifExpStep(
  params: LifExpParams,
  input: tf.Tensor,
  state: NeuronState,
  spikeFn: SpikeFunction,
): StepResult {
  return tidy(() => {
    const next = advance(params, input, state);
    const free = state.refractory ? notRefractory(state.refractory) : undefined;
    const v = free ? tf.mul(next.v, free) : next.v;
    const spikes = spikeFn(tf.sub(v, params.threshold));
    const spiked = tf.cast(tf.greaterEqual(v, params.threshold), 'float32');
    const after = tf.mul(v, tf.sub(1, spiked));
    const state2: NeuronState = state.refractory
      ? {
          v: after,
          i: next.i,
          refractory: nextRefractory(state.refractory, spiked, refractorySteps(params.refractory, params.dt)),
        }
      : { v: after, i: next.i };
    return { spikes, v, state: state2 };
  });
}

/**
 * One step of the non-spiking leaky integrator readout: the lifExp dynamics without threshold
 * and reset. Returns the voltage at t and the next state.
 */
export function leakyIntegratorStep(
  params: LeakyIntegratorParams,
  input: tf.Tensor,
  state: NeuronState,
): { v: tf.Tensor; state: NeuronState } {
  return tidy(() => {
    const next = advance(params, input, state);
    return { v: next.v, state: { v: next.v, i: next.i } };
  });
}
