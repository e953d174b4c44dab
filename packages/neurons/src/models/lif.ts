import { tidy } from '../tidy.js';
import * as tf from '@tensorflow/tfjs-core';
import type { SpikeFunction } from '../surrogate.js';
import { refractorySteps } from './decay.js';
import type { AlifParams, IntegrateAndFireParams, LifParams } from './params.js';
import { nextRefractory, notRefractory } from './refractory.js';
import type { NeuronState, StepResult } from './state.js';

/** The membrane after decay, the input and the reset for last step's spikes (no gradient). */
function integrate(
  beta: number,
  reset: 'subtract' | 'zero',
  input: tf.Tensor,
  state: NeuronState,
  resetBy: number | tf.Tensor,
): tf.Tensor {
  const last = state.spikes!;
  const kept =
    reset === 'subtract'
      ? tf.sub(tf.mul(state.v, beta), tf.mul(last, resetBy))
      : tf.mul(tf.mul(state.v, beta), tf.sub(1, last));
  const v = tf.add(kept, input);
  return state.refractory ? tf.mul(v, notRefractory(state.refractory)) : v;
}

function finish(
  v: tf.Tensor,
  threshold: number | tf.Tensor,
  spikeFn: SpikeFunction,
  state: NeuronState,
  refractory: { period: number; dt: number },
  extra: Partial<NeuronState> = {},
): StepResult {
  const spikes = spikeFn(tf.sub(v, threshold));
  const spiked = tf.cast(tf.greaterEqual(v, threshold), 'float32');
  const next: NeuronState = state.refractory
    ? {
        v,
        spikes: spiked,
        ...extra,
        refractory: nextRefractory(
          state.refractory,
          spiked,
          refractorySteps(refractory.period, refractory.dt),
        ),
      }
    : { v, spikes: spiked, ...extra };
  return { spikes, v, state: next };
}

/**
 * One step of the snnTorch-style discrete LIF (`snn.Leaky`): `mem ← β·mem + input − s·ϑ`
 * with β = e^(−dt/τm) and `s` last step's spike (reset 'subtract'), or `mem ← β·mem·(1 − s) +
 * input` (reset 'zero'); then `s ← H(mem − ϑ)`. The input is added to the membrane directly
 * (no synaptic filter); the reset is applied one step after the spike, as in snnTorch.
 */
export function lifStep(
  params: LifParams,
  input: tf.Tensor,
  state: NeuronState,
  spikeFn: SpikeFunction,
): StepResult {
  return tidy(() => {
    const v = integrate(Math.exp(-params.dt / params.tauMem), params.reset, input, state, params.threshold);
    return finish(v, params.threshold, spikeFn, state, { period: params.refractory, dt: params.dt });
  });
}

/** One step of integrate-and-fire: the lif step with β = 1 (no leak). */
export function integrateAndFireStep(
  params: IntegrateAndFireParams,
  input: tf.Tensor,
  state: NeuronState,
  spikeFn: SpikeFunction,
): StepResult {
  return tidy(() => {
    const v = integrate(1, params.reset, input, state, params.threshold);
    return finish(v, params.threshold, spikeFn, state, { period: params.refractory, dt: params.dt });
  });
}

/**
 * One step of the adaptive LIF (Bellec et al. 2018): adaptation trace `a ← ρ·a + s` (ρ =
 * e^(−dt/τa), `s` last step's spike), threshold `A = ϑ0 + adaptation·a`, membrane as in
 * `lifStep` with the subtractive reset removing last step's threshold A; `s ← H(mem − A)`.
 * The trace carries no gradient (it is driven by the reset-style detached spikes).
 */
export function alifStep(
  params: AlifParams,
  input: tf.Tensor,
  state: NeuronState,
  spikeFn: SpikeFunction,
): StepResult {
  return tidy(() => {
    const previousThreshold = tf.add(params.threshold, tf.mul(state.adaptation!, params.adaptation));
    const v = integrate(Math.exp(-params.dt / params.tauMem), params.reset, input, state, previousThreshold);
    const adaptation = tf.add(
      tf.mul(state.adaptation!, Math.exp(-params.dt / params.tauAdapt)),
      state.spikes!,
    );
    const threshold = tf.add(params.threshold, tf.mul(adaptation, params.adaptation));
    return finish(v, threshold, spikeFn, state, { period: params.refractory, dt: params.dt }, { adaptation });
  });
}
