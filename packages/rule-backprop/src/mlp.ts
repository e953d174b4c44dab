import * as tf from '@tensorflow/tfjs-core';
import { paramName } from '@plasticity/core-tensors';
import type { Rng } from '@plasticity/core-tensors';
import { activate } from './activations.js';
import type { ActivationName } from './activations.js';
import { dense } from './dense.js';
import { INITIALIZERS } from './init.js';
import type { ConcreteInit } from './init.js';

// Kernels are `[in, out]` (Keras/tfjs layout): a PyTorch nn.Linear takes `kernel.T` as weight.

/**
 * Variables for an MLP with layer widths `sizes` (input first, output last): kernels from
 * `init` drawn on the host by `rng` (one fork per layer), biases zero.
 */
export function createMlpParams(
  sizes: readonly number[],
  init: ConcreteInit,
  rng: Rng,
): Record<string, tf.Variable> {
  const params: Record<string, tf.Variable> = {};
  for (let layer = 0; layer + 1 < sizes.length; layer++) {
    const [fanIn, fanOut] = [sizes[layer], sizes[layer + 1]];
    const draw = INITIALIZERS[init];
    params[paramName(layer, 'kernel')] = tf.tidy(() =>
      tf.variable(draw(rng.fork(paramName(layer, 'kernel')), [fanIn, fanOut])),
    );
    params[paramName(layer, 'bias')] = tf.tidy(() => tf.variable(tf.zeros([fanOut])));
  }
  return params;
}

/** Number of dense layers in a param map built by `createMlpParams`. */
export function layerCount(params: Readonly<Record<string, tf.Tensor>>): number {
  let layers = 0;
  while (paramName(layers, 'kernel') in params) layers++;
  return layers;
}

export interface ForwardOptions {
  readonly activation: ActivationName;
  /** Inverted dropout on hidden activations: one mask seed per hidden layer. */
  readonly dropout?: { readonly rate: number; readonly seeds: readonly number[] };
  /** Whether `x` gets a gradient (default true; training passes false: `x` is data). */
  readonly inputGradient?: boolean;
}

/** Logits `[B, out]` for inputs `[B, in]`. */
export function mlpForward(
  params: Readonly<Record<string, tf.Tensor>>,
  x: tf.Tensor2D,
  options: ForwardOptions,
): tf.Tensor2D {
  const layers = layerCount(params);
  let h = x;
  for (let layer = 0; layer < layers; layer++) {
    const hidden = layer + 1 < layers;
    // ReLU rides in the fused matmul kernel; other activations follow it as separate ops.
    const fusedRelu = hidden && options.activation === 'relu';
    h = dense(
      h,
      params[paramName(layer, 'kernel')] as tf.Tensor2D,
      params[paramName(layer, 'bias')] as tf.Tensor1D,
      {
        relu: fusedRelu,
        inputGradient: layer > 0 || options.inputGradient !== false,
      },
    );
    if (hidden && !fusedRelu) h = activate(options.activation, h) as tf.Tensor2D;
    if (hidden && options.dropout && options.dropout.rate > 0) {
      h = tf.dropout(h, options.dropout.rate, undefined, options.dropout.seeds[layer]) as tf.Tensor2D;
    }
  }
  return h;
}
