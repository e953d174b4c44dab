import * as tf from '@tensorflow/tfjs-core';
import { normalTensor, paramName, rowSquareSums } from '@plasticity/core-tensors';
import type { Rng } from '@plasticity/core-tensors';
import type { NormalizationKind } from './config.js';
import { normalizeRows } from './goodness.js';

// Kernels are `[in, out]` (Keras/tfjs layout), as in @plasticity/rule-backprop.
export const READOUT_KERNEL = 'readout.kernel';
export const READOUT_BIAS = 'readout.bias';

/** Layer variables: kernels `N(0, 1/fan_in)` (Hinton's code), biases zero. */
export function createLayerParams(sizes: readonly number[], rng: Rng): Record<string, tf.Variable>[] {
  const layers: Record<string, tf.Variable>[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
    const std = 1 / Math.sqrt(fanIn);
    layers.push({
      [paramName(l, 'kernel')]: tf.tidy(() =>
        tf.variable(normalTensor(rng.fork(paramName(l, 'kernel')), [fanIn, fanOut], 0, std)),
      ),
      [paramName(l, 'bias')]: tf.tidy(() => tf.variable(tf.zeros([fanOut]))),
    });
  }
  return layers;
}

/** Softmax readout variables, zero-initialised (so its first beliefs are uniform). */
export function createReadoutParams(features: number, classes: number): Record<string, tf.Variable> {
  return {
    [READOUT_KERNEL]: tf.tidy(() => tf.variable(tf.zeros([features, classes]))),
    [READOUT_BIAS]: tf.tidy(() => tf.variable(tf.zeros([classes]))),
  };
}

/** `relu(x·W + b)`; ReLU and bias ride in the fused kernel (no transposes: see dense.ts in rule-backprop). */
export function reluLayer(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: kernel, bias, activation: 'relu' }) as tf.Tensor2D;
}

/**
 * Every layer's ReLU activities, the same rows normalised (what the next layer and the readout
 * see), and each row's sum of squares (goodness and normalisation both derive from it).
 */
export interface Activities {
  readonly activities: tf.Tensor2D[];
  readonly normalized: tf.Tensor2D[];
  readonly squareSums: tf.Tensor1D[];
}

/** Runs the layers above the first from its pre-activations, normalising rows between layers. */
export function propagate(
  firstPre: tf.Tensor2D,
  layers: readonly Record<string, tf.Variable>[],
  normalization: NormalizationKind,
): Activities {
  const activities: tf.Tensor2D[] = [];
  const normalized: tf.Tensor2D[] = [];
  const squareSums: tf.Tensor1D[] = [];
  for (let l = 0; l < layers.length; l++) {
    const h =
      l === 0
        ? tf.relu(firstPre)
        : reluLayer(
            normalized[l - 1],
            layers[l][paramName(l, 'kernel')] as tf.Tensor2D,
            layers[l][paramName(l, 'bias')] as tf.Tensor1D,
          );
    activities.push(h);
    squareSums.push(rowSquareSums(h));
    normalized.push(normalizeRows(h, normalization, squareSums[l]));
  }
  return { activities, normalized, squareSums };
}
