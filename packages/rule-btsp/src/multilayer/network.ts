import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@plasticity/core-tensors';
import type { BtspConfig } from './config.js';

/**
 * One layer's weights, all `[to, from]` and non-negative (Dale's law): the excitatory weights
 * that learn, and the fixed feed-forward inhibitory population (input → I → E) that subtracts
 * a drive proportional to the input, so that only part of the layer is active.
 */
export interface LayerParams {
  readonly excitatory: tf.Variable;
  /** `[inhibitory, from]`, or undefined without inhibition. */
  readonly inhibitoryIn?: tf.Variable;
  /** `[to, inhibitory]`. */
  readonly inhibitoryOut?: tf.Variable;
}

export const excitatoryName = (l: number) => `layers.${l}.excitatory`;
export const inhibitoryInName = (l: number) => `layers.${l}.inhibitoryIn`;
export const inhibitoryOutName = (l: number) => `layers.${l}.inhibitoryOut`;

/** Layer sizes, input first: `[features, ...hidden, outputs]`. */
export function layerSizes(config: BtspConfig, features: number, outputs: number): number[] {
  return [features, ...config.hidden, outputs];
}

/**
 * Weights at initialisation: excitatory uniform in [0, scale/√fanIn] (the authors'
 * "half Kaiming"), inhibitory input weights uniform in [0, 1/√fanIn] and output weights
 * scaled so the mean inhibition is `inhibition` × the mean excitatory drive.
 */
export function initialLayers(config: BtspConfig, sizes: readonly number[], rng: Rng): LayerParams[] {
  const last = sizes.length - 2;
  return sizes.slice(1).map((to, l) => {
    const from = sizes[l];
    const output = l === last;
    const scale = (output ? config.outputInitScale : config.initScale) / Math.sqrt(from);
    const excitatory = tf.variable(
      tf.tensor2d(rng.fork(`excitatory.${l}`).uniformArray(to * from, 0, scale), [to, from]),
      false,
    );
    const units = output ? config.outputInhibitoryUnits : config.inhibitoryUnits;
    const strength = output ? config.outputInhibition : config.inhibition;
    if (units === 0 || strength === 0) return { excitatory };
    const input = rng.fork(`inhibitoryIn.${l}`).uniformArray(units * from, 0, 1 / Math.sqrt(from));
    const out = rng.fork(`inhibitoryOut.${l}`).uniformArray(to * units, 0, 1 / Math.sqrt(units));
    // Mean of (out·in) over its entries, computed from the column sums of `in` and row sums of `out`.
    const inSums = new Float64Array(units);
    input.forEach((w, i) => (inSums[Math.floor(i / from)] += w));
    let product = 0;
    out.forEach((w, i) => (product += w * inSums[i % units]));
    const meanProduct = product / (to * from);
    const target = (strength * scale) / 2; // mean excitatory weight × strength
    const factor = meanProduct > 0 ? target / meanProduct : 0;
    return {
      excitatory,
      inhibitoryIn: tf.variable(tf.tensor2d(input, [units, from]), false),
      inhibitoryOut: tf.variable(
        tf.tensor2d(
          out.map((w) => w * factor),
          [to, units],
        ),
        false,
      ),
    };
  });
}

/** The somatic drive `[B, to]` of a layer: excitation minus the inhibitory population's output. */
export function drive(layer: LayerParams, input: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const excitation: tf.Tensor2D = tf.matMul(input, layer.excitatory as tf.Tensor2D, false, true);
    if (!layer.inhibitoryIn || !layer.inhibitoryOut) return excitation;
    const inhibitory = tf.relu(tf.matMul(input, layer.inhibitoryIn, false, true));
    return tf.sub(excitation, tf.matMul(inhibitory, layer.inhibitoryOut, false, true));
  });
}

/** A forward pass: activities (input first) and drives of every layer. */
export interface ForwardPass {
  readonly activities: tf.Tensor2D[];
  readonly drives: tf.Tensor2D[];
}

/** A rate from its drive: ReLU saturating at `maxRate`. */
export function rate(drive: tf.Tensor, maxRate: number): tf.Tensor2D {
  return tf.clipByValue(drive, 0, maxRate) as tf.Tensor2D;
}

/** Rates layer by layer from the drives. Call inside a tidy. */
export function forward(layers: readonly LayerParams[], x: tf.Tensor2D, maxRate: number): ForwardPass {
  const activities = [x];
  const drives: tf.Tensor2D[] = [];
  for (const layer of layers) {
    const d = drive(layer, activities[activities.length - 1]);
    drives.push(d);
    activities.push(rate(d, maxRate));
  }
  return { activities, drives };
}
