import * as tf from '@tensorflow/tfjs-core';
import { rate } from './network.js';
import type { ForwardPass, LayerParams } from './network.js';
import { selectPlateaus } from './plateaus.js';

export interface TopDownOptions {
  /** Top-down scale into each hidden layer's dendrite, first hidden layer first. */
  readonly feedbackScale: readonly number[];
  readonly plateauFraction: number;
  readonly reluGate: boolean;
  readonly outputGate: boolean;
  readonly maxRate: number;
  /** Per hidden layer `[B, units]` uniforms for stochastic selection, or undefined. */
  readonly uniforms?: readonly tf.Tensor2D[];
}

/**
 * The top-down phase, layer by layer from the output (call inside a tidy). The output's
 * plateau is its clamped error `clamp(target − output, −1, 1)`; it nudges the output units,
 * and the change of each layer's rates reaches the dendrites below through the transposed
 * forward weights (the authors' top-down weights are a scaled copy of them, and their dendritic
 * inhibition learns to cancel the top-down input of the forward phase, which leaves this change).
 * Each hidden layer's plateaus are chosen from its clamped dendritic signal and nudge its rates
 * in turn. Returns the plateaus of every layer, first hidden layer first, output last.
 */
export function topDownPlateaus(
  layers: readonly LayerParams[],
  pass: ForwardPass,
  target: tf.Tensor2D,
  options: TopDownOptions,
): tf.Tensor2D[] {
  const last = layers.length - 1;
  const output = pass.activities[last + 1];
  let error = tf.clipByValue(tf.sub(target, output), -1, 1) as tf.Tensor2D;
  if (options.outputGate) error = tf.where(tf.greater(output, 0), error, tf.zerosLike(error));
  const plateaus: tf.Tensor2D[] = new Array<tf.Tensor2D>(layers.length);
  plateaus[last] = error;
  let change = tf.sub(rate(tf.add(pass.drives[last], error), options.maxRate), output) as tf.Tensor2D;
  for (let l = last - 1; l >= 0; l--) {
    const activity = pass.activities[l + 1];
    const topDown = tf.matMul(change, layers[l + 1].excitatory as tf.Tensor2D);
    const signal = tf.clipByValue(tf.mul(topDown, options.feedbackScale[l]), -1, 1) as tf.Tensor2D;
    plateaus[l] = selectPlateaus(signal, activity, {
      fraction: options.plateauFraction,
      reluGate: options.reluGate,
      uniforms: options.uniforms?.[l],
    });
    change = tf.sub(rate(tf.add(pass.drives[l], plateaus[l]), options.maxRate), activity) as tf.Tensor2D;
  }
  return plateaus;
}
