import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@plasticity/core-tensors';
import type { BtspConfig } from './config.js';

/**
 * One layer's excitatory weights on the host, row-major `[units, inputs]`, non-negative and at
 * most `weightMax` (Dale's law: they never change sign). Training runs sample by sample on these
 * arrays; the learner's variables hold the same numbers between steps.
 */
export interface HostLayer {
  readonly weights: Float32Array;
  readonly inputs: number;
  readonly units: number;
  readonly weightMax: number;
}

/** How a layer turns drives into rates. */
export interface LayerShape {
  /** Hidden layers: the number of units that fire (k-winners-take-all). */
  readonly active?: number;
  /** Output layer: subtract this × the mean drive, then clamp to [0, 1]. */
  readonly inhibition?: number;
}

export const excitatoryName = (l: number) => `layers.${l}.excitatory`;

/** Layer sizes, input first: `[features, ...hidden, outputs]`. */
export function layerSizes(config: BtspConfig, features: number, outputs: number): number[] {
  return [features, ...config.hidden, outputs];
}

/** Rate rules of every layer: k-WTA for hidden layers, subtractive inhibition at the output. */
export function layerShapes(config: BtspConfig, sizes: readonly number[]): LayerShape[] {
  const last = sizes.length - 2;
  return sizes
    .slice(1)
    .map((units, l) =>
      l === last
        ? { inhibition: config.outputInhibition }
        : { active: Math.max(1, Math.round(config.activeFraction * units)) },
    );
}

/** Weights at initialisation: uniform in [0, scale/√fanIn] (the authors' "half Kaiming"). */
export function initialLayers(config: BtspConfig, sizes: readonly number[], rng: Rng): HostLayer[] {
  const last = sizes.length - 2;
  return sizes.slice(1).map((units, l) => {
    const inputs = sizes[l];
    const scale = (l === last ? config.outputInitScale : config.initScale) / Math.sqrt(inputs);
    return {
      weights: rng.fork(`excitatory.${l}`).uniformArray(units * inputs, 0, scale),
      inputs,
      units,
      weightMax: config.weightMax / Math.sqrt(inputs),
    };
  });
}

/** `drive = W · input` for one sample. */
export function layerDrive(layer: HostLayer, input: Float32Array, drive: Float32Array): void {
  const { weights, inputs, units } = layer;
  for (let j = 0; j < units; j++) {
    const row = j * inputs;
    let sum = 0;
    for (let i = 0; i < inputs; i++) sum += weights[row + i] * input[i];
    drive[j] = sum;
  }
}

/** The `rank`-th largest value (1 = the largest); `scratch` is overwritten. */
function largest(values: Float32Array, rank: number, scratch: Float32Array): number {
  scratch.set(values);
  scratch.sort();
  return scratch[values.length - rank];
}

/**
 * Rates of one layer from its drives, for one sample. Hidden layers: the `active` most driven
 * units fire at `(drive − θ)/(max − θ)`, θ the largest drive left silent (a stand-in for the
 * authors' recurrent somatic inhibition, which keeps a few units active); the rest are 0.
 * Output: `clamp(drive − inhibition × mean(drive), 0, 1)`.
 */
export function layerRates(
  shape: LayerShape,
  drive: Float32Array,
  rates: Float32Array,
  scratch: Float32Array,
): void {
  const n = drive.length;
  if (shape.active === undefined) {
    let mean = 0;
    for (let j = 0; j < n; j++) mean += drive[j];
    const offset = ((shape.inhibition ?? 0) * mean) / n;
    for (let j = 0; j < n; j++) rates[j] = Math.min(1, Math.max(0, drive[j] - offset));
    return;
  }
  if (shape.active >= n) {
    // Everyone fires: θ is the smallest drive.
    const low = largest(drive, n, scratch.subarray(0, n));
    const high = largest(drive, 1, scratch.subarray(0, n));
    for (let j = 0; j < n; j++) rates[j] = high > low ? (drive[j] - low) / (high - low) : 0;
    return;
  }
  const threshold = largest(drive, shape.active + 1, scratch.subarray(0, n));
  const top = scratch[n - 1];
  const span = top - threshold;
  for (let j = 0; j < n; j++) rates[j] = drive[j] > threshold && span > 0 ? (drive[j] - threshold) / span : 0;
}

/** Rates of every layer for one sample (input first); the arrays are reused between samples. */
export interface SamplePass {
  readonly rates: Float32Array[];
  readonly drives: Float32Array[];
}

export function createSamplePass(sizes: readonly number[]): SamplePass {
  return {
    rates: sizes.map((n) => new Float32Array(n)),
    drives: sizes.map((n) => new Float32Array(n)),
  };
}

/** The forward pass of one sample into `pass` (its `rates[0]` is set to `input`). */
export function forwardSample(
  layers: readonly HostLayer[],
  shapes: readonly LayerShape[],
  input: Float32Array,
  pass: SamplePass,
  scratch: Float32Array,
): void {
  pass.rates[0].set(input);
  layers.forEach((layer, l) => {
    layerDrive(layer, pass.rates[l], pass.drives[l + 1]);
    layerRates(shapes[l], pass.drives[l + 1], pass.rates[l + 1], scratch);
  });
}

/** The same forward pass for a batch, with tensors (prediction). Call inside a tidy. */
export function forwardBatch(
  weights: readonly tf.Tensor2D[],
  shapes: readonly LayerShape[],
  x: tf.Tensor2D,
): tf.Tensor2D {
  let rates = x;
  weights.forEach((w, l) => {
    const drive: tf.Tensor2D = tf.matMul(rates, w, false, true);
    const { active, inhibition } = shapes[l];
    if (active === undefined) {
      const offset = tf.mul(tf.mean(drive, 1, true), inhibition ?? 0);
      rates = tf.clipByValue(tf.sub(drive, offset), 0, 1);
      return;
    }
    const n = drive.shape[1];
    const k = Math.min(active + 1, n);
    const sorted = tf.topk(drive, k).values;
    const top = tf.slice(sorted, [0, 0], [-1, 1]);
    const threshold = tf.slice(sorted, [0, k - 1], [-1, 1]);
    const span = tf.sub(top, threshold);
    const safeSpan = tf.where(tf.greater(span, 0), span, tf.onesLike(span));
    const above = tf.greater(drive, threshold);
    rates = tf.where(above, tf.div(tf.sub(drive, threshold), safeSpan), tf.zerosLike(drive)) as tf.Tensor2D;
  });
  return rates;
}
