import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '../errors/plasticity-error.js';
import type { Rng } from './rng.js';

// Initialisers draw on the host and upload, so every backend starts from identical numbers
// (tfjs' own random ops differ between backends).

function sizeOf(shape: readonly number[]): number {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0)
      throw new PlasticityError('E_SHAPE', `bad shape [${shape.join(', ')}]`);
  }
  return shape.reduce((a, b) => a * b, 1);
}

function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2)
    throw new PlasticityError('E_SHAPE', `initialiser needs rank ≥ 2, got [${shape.join(', ')}]`);
  // Dense [in, out]; conv [..., in, out] with the receptive field folded in, as in Keras.
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

/** Float32 tensor of uniforms in [lo, hi). */
export function uniformTensor(rng: Rng, shape: readonly number[], lo = 0, hi = 1): tf.Tensor {
  return tf.tensor(rng.uniformArray(sizeOf(shape), lo, hi), [...shape], 'float32');
}

/** Float32 tensor of normal deviates. */
export function normalTensor(rng: Rng, shape: readonly number[], mean = 0, std = 1): tf.Tensor {
  return tf.tensor(rng.normalArray(sizeOf(shape), mean, std), [...shape], 'float32');
}

/** Glorot/Xavier uniform: U(±√(6 / (fanIn + fanOut))). */
export function glorotUniform(rng: Rng, shape: readonly number[]): tf.Tensor {
  const { fanIn, fanOut } = fans(shape);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return uniformTensor(rng, shape, -limit, limit);
}

/** Glorot/Xavier normal: N(0, 2 / (fanIn + fanOut)). */
export function glorotNormal(rng: Rng, shape: readonly number[]): tf.Tensor {
  const { fanIn, fanOut } = fans(shape);
  return normalTensor(rng, shape, 0, Math.sqrt(2 / (fanIn + fanOut)));
}

/** He/Kaiming normal: N(0, 2 / fanIn). */
export function heNormal(rng: Rng, shape: readonly number[]): tf.Tensor {
  return normalTensor(rng, shape, 0, Math.sqrt(2 / fans(shape).fanIn));
}

/** He/Kaiming uniform: U(±√(6 / fanIn)). */
export function heUniform(rng: Rng, shape: readonly number[]): tf.Tensor {
  const limit = Math.sqrt(6 / fans(shape).fanIn);
  return uniformTensor(rng, shape, -limit, limit);
}
