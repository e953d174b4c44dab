import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '@plasticity/core-tensors';
import type { SurrogateName } from './vocabulary.js';

/** Which surrogate derivative a spike function uses, so fused kernels can reproduce it. */
export type SurrogateSpec =
  | { readonly kind: 'fast-sigmoid'; readonly slope: number }
  | { readonly kind: 'arctan'; readonly alpha: number }
  | { readonly kind: 'super-spike'; readonly beta: number }
  | { readonly kind: 'none' };

/**
 * Heaviside step `H(v − ϑ)` forward (1 where `vMinusThreshold ≥ 0`), a smooth surrogate of its
 * derivative backward.
 */
export interface SpikeFunction {
  (vMinusThreshold: tf.Tensor): tf.Tensor;
  readonly surrogate: SurrogateSpec;
}

/** The surrogate derivative at one point, in float64 (for fused kernels and tests). */
export function surrogateDerivative(spec: SurrogateSpec, x: number): number {
  switch (spec.kind) {
    case 'fast-sigmoid': {
      const d = 1 + spec.slope * Math.abs(x);
      return 1 / (d * d);
    }
    case 'super-spike': {
      const d = 1 + spec.beta * Math.abs(x);
      return 1 / (d * d);
    }
    case 'arctan': {
      const u = (Math.PI / 2) * spec.alpha * x;
      return spec.alpha / 2 / (1 + u * u);
    }
    case 'none':
      return 0;
  }
}

/** The same derivative as tensor ops. */
function derivativeTensor(spec: SurrogateSpec, x: tf.Tensor): tf.Tensor {
  switch (spec.kind) {
    case 'fast-sigmoid':
    case 'super-spike': {
      const scale = spec.kind === 'fast-sigmoid' ? spec.slope : spec.beta;
      return tf.reciprocal(tf.square(tf.add(1, tf.mul(scale, tf.abs(x)))));
    }
    case 'arctan':
      return tf.div(spec.alpha / 2, tf.add(1, tf.square(tf.mul((Math.PI / 2) * spec.alpha, x))));
    case 'none':
      return tf.zerosLike(x);
  }
}

function spikeFunction(spec: SurrogateSpec): SpikeFunction {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    save([x]);
    return {
      value: tf.cast(tf.greaterEqual(x, 0), 'float32'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, derivativeTensor(spec, saved[0])),
    };
  });
  const fn = ((x: tf.Tensor) => op(x)) as SpikeFunction;
  return Object.assign(fn, { surrogate: Object.freeze(spec) }) as SpikeFunction;
}

function positiveParam(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new PlasticityError('E_CONFIG', `surrogate ${name} must be a finite number > 0, got ${value}`, {
      field: name,
      value,
    });
  }
  return value;
}

/**
 * Fast-sigmoid surrogate, snnTorch convention: derivative `1/(1 + k·|x|)²` with slope `k`
 * (default 25), so the peak is 1 at the threshold.
 */
export function fastSigmoid(options: { slope?: number } = {}): SpikeFunction {
  return spikeFunction({ kind: 'fast-sigmoid', slope: positiveParam('slope', options.slope ?? 25) });
}

/** Arctan surrogate, snnTorch convention: derivative `(α/2)/(1 + (π/2·α·x)²)` (default α 2). */
export function arctan(options: { alpha?: number } = {}): SpikeFunction {
  return spikeFunction({ kind: 'arctan', alpha: positiveParam('alpha', options.alpha ?? 2) });
}

/**
 * SuperSpike surrogate (Zenke & Ganguli 2018, SpyTorch): derivative `1/(1 + β·|x|)²` with
 * default β 100 — the fast-sigmoid shape with SpyTorch's steeper default.
 */
export function superSpike(options: { beta?: number } = {}): SpikeFunction {
  return spikeFunction({ kind: 'super-spike', beta: positiveParam('beta', options.beta ?? 100) });
}

/** The exact Heaviside step with zero gradient: for simulation without learning. */
export const heaviside: SpikeFunction = spikeFunction({ kind: 'none' });

/**
 * The spike function a config names; `scale` sets its one parameter (fast-sigmoid slope,
 * SuperSpike β, arctan α), each function's default when absent.
 */
export function surrogateFunction(name: SurrogateName, scale?: number): SpikeFunction {
  switch (name) {
    case 'fast-sigmoid':
      return fastSigmoid({ slope: scale });
    case 'super-spike':
      return superSpike({ beta: scale });
    case 'arctan':
      return arctan({ alpha: scale });
  }
}
