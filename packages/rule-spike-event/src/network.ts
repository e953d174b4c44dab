import * as tf from '@tensorflow/tfjs-core';
import { normalTensor, paramName, timesTranspose } from '@plasticity/core-tensors';
import type { ParamMap, Rng } from '@plasticity/core-tensors';
import type { IntensityName } from './intensity.js';
import { intensity, intensitySlope, inverseIntensity } from './intensity.js';
import { factorUpdate, layerDrive, spikeEventFactor } from './point-process.js';

// The layered feed-forward network that predicts the next input events: input traces x →
// hidden point-process layers (each passing its intensities h = softplus(u) up: a rate passed
// on must not explode, as eᵘ can) → a prediction layer of intensity f
// with one unit per input channel, whose intensity in bin t is the model of that channel's
// events in bin t given the input before it. Layer k's weights are `layers.k.kernel/bias`.

/** The intensity function of hidden units. */
export const HIDDEN_INTENSITY: IntensityName = 'softplus';

/** Weight shapes of a network of `sizes` (input, hidden..., prediction) as named params. */
export function createNetworkParams(
  sizes: readonly number[],
  options: { intensity: IntensityName; initScale: number; baseRate: number },
  rng: Rng,
): Record<string, tf.Variable> {
  const params: Record<string, tf.Variable> = {};
  const last = sizes.length - 2;
  for (let k = 0; k <= last; k++) {
    const [fanIn, fanOut] = [sizes[k], sizes[k + 1]];
    const startBias = k === last ? inverseIntensity(options.intensity, options.baseRate / 1000) : 0;
    params[paramName(k, 'kernel')] = tf.tidy(() =>
      tf.variable(normalTensor(rng.fork(k), [fanIn, fanOut], 0, options.initScale / Math.sqrt(fanIn)), true),
    );
    params[paramName(k, 'bias')] = tf.tidy(() => tf.variable(tf.fill([fanOut], startBias), true));
  }
  return params;
}

/** Each layer's input (`x`, then each hidden layer's intensities) and drive, rows = bins. */
export interface ForwardPass {
  /** `[x, h₁, …, h_L]`: the inputs of layers 0 … L. */
  readonly inputs: readonly tf.Tensor2D[];
  /** `[u₁, …, u_L, u_prediction]`. */
  readonly drives: readonly tf.Tensor2D[];
}

/** Runs the `weightLayers` layers (hidden and prediction) on input traces `[N, channels]`, inside the caller's tidy. */
export function forwardPass(params: ParamMap, traces: tf.Tensor2D, weightLayers: number): ForwardPass {
  const inputs = [traces];
  const drives: tf.Tensor2D[] = [];
  for (let k = 0; k < weightLayers; k++) {
    const drive = layerDrive(
      inputs[k],
      params[paramName(k, 'kernel')] as tf.Tensor2D,
      params[paramName(k, 'bias')] as tf.Tensor1D,
    );
    drives.push(drive);
    if (k < weightLayers - 1) inputs.push(intensity(HIDDEN_INTENSITY, drive) as tf.Tensor2D);
  }
  return { inputs, drives };
}

/**
 * Descent directions (minus the updates) of every layer, from the prediction layer's data and
 * model spikes per bin, scaled by `scale`. The prediction layer's update is the spike-event rule
 * itself; a hidden layer's is the same event-triggered factor carried down through the weights
 * and f'(u): in each bin it is zero unless a prediction unit spiked (in the data or the model),
 * and its expectation is the gradient of the prediction log-likelihood.
 */
export function networkGradients(
  params: ParamMap,
  f: IntensityName,
  pass: ForwardPass,
  data: tf.Tensor2D,
  model: tf.Tensor2D,
  scale: number,
): Record<string, tf.Tensor> {
  return tf.tidy(() => {
    const grads: Record<string, tf.Tensor> = {};
    const top = pass.drives.length - 1;
    let factor = spikeEventFactor(f, pass.drives[top], data, model);
    for (let k = top; k >= 0; k--) {
      if (k < top) {
        const above = params[paramName(k + 1, 'kernel')] as tf.Tensor2D;
        factor = tf.mul(timesTranspose(factor, above), intensitySlope(HIDDEN_INTENSITY, pass.drives[k]));
      }
      const { kernel, bias } = factorUpdate(pass.inputs[k], factor);
      grads[paramName(k, 'kernel')] = tf.mul(kernel, -scale);
      grads[paramName(k, 'bias')] = tf.mul(bias, -scale);
    }
    return grads;
  });
}
