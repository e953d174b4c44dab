import type { Rng } from '@plasticity/core-tensors';
import type { ActivationName } from './activations.js';
import type { InitName } from './config.js';

export type ConcreteInit = Exclude<InitName, 'auto'>;

/** `auto`: He for the rectifier family, Glorot for the saturating ones (tanh, sigmoid). */
export function resolveInit(init: InitName, activation: ActivationName): ConcreteInit {
  if (init !== 'auto') return init;
  return activation === 'tanh' || activation === 'sigmoid' ? 'glorot-uniform' : 'he-normal';
}

/**
 * Host-side weights for one `[fanOut, fanIn]` layer, drawn from `rng`: the same numbers on
 * every backend because no backend random op is involved.
 */
export function initWeights(init: ConcreteInit, fanIn: number, fanOut: number, rng: Rng): Float32Array {
  const n = fanIn * fanOut;
  switch (init) {
    case 'he-normal':
      return rng.normalArray(n, 0, Math.sqrt(2 / fanIn));
    case 'he-uniform': {
      const limit = Math.sqrt(6 / fanIn);
      return rng.uniformArray(n, -limit, limit);
    }
    case 'glorot-normal':
      return rng.normalArray(n, 0, Math.sqrt(2 / (fanIn + fanOut)));
    case 'glorot-uniform': {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return rng.uniformArray(n, -limit, limit);
    }
  }
}
