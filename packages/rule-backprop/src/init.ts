import { glorotNormal, glorotUniform, heNormal, heUniform } from '@plasticity/core-tensors';
import type { Rng } from '@plasticity/core-tensors';
import type * as tf from '@tensorflow/tfjs-core';
import type { ActivationName } from './activations.js';
import type { InitName } from './config.js';

export type ConcreteInit = Exclude<InitName, 'auto'>;

/** `auto`: He for the rectifier family, Glorot for the saturating ones (tanh, sigmoid). */
export function resolveInit(init: InitName, activation: ActivationName): ConcreteInit {
  if (init !== 'auto') return init;
  return activation === 'tanh' || activation === 'sigmoid' ? 'glorot-uniform' : 'he-normal';
}

/** Core's host-drawn initialisers (the same numbers on every backend), by config name. */
export const INITIALIZERS: Readonly<Record<ConcreteInit, (rng: Rng, shape: readonly number[]) => tf.Tensor>> =
  {
    'he-normal': heNormal,
    'he-uniform': heUniform,
    'glorot-normal': glorotNormal,
    'glorot-uniform': glorotUniform,
  };
