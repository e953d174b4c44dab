import type * as tf from '@tensorflow/tfjs-core';
import type { SpikeFunction } from '../surrogate.js';
import { lifExpStep } from './lif-exp.js';
import { alifStep, integrateAndFireStep, lifStep } from './lif.js';
import type { NeuronParams } from './params.js';
import type { NeuronState, StepResult } from './state.js';

/** One step of whichever model `params` describes (`params.kind`). */
export function neuronStep(
  params: NeuronParams,
  input: tf.Tensor,
  state: NeuronState,
  spikeFn: SpikeFunction,
): StepResult {
  switch (params.kind) {
    case 'lifExp':
      return lifExpStep(params, input, state, spikeFn);
    case 'lif':
      return lifStep(params, input, state, spikeFn);
    case 'integrateAndFire':
      return integrateAndFireStep(params, input, state, spikeFn);
    case 'alif':
      return alifStep(params, input, state, spikeFn);
  }
}
