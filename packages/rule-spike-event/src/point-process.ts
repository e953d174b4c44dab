import * as tf from '@tensorflow/tfjs-core';
import { columnSums, transposeTimes } from '@plasticity/core-tensors';
import type { IntensityName } from './intensity.js';
import { intensity, logIntensitySlope } from './intensity.js';

// A layer of point-process units on a grid of N time bins of `dt` ms: unit o has drive
// u = Σ_j w_jo x_j + b_o from its inputs x (presynaptic traces, or a lower layer's intensities)
// and intensity λ = f(u) events per ms, so its count in a bin is Poisson with mean λ·dt.
// Rows are bins (of all samples of a batch), columns units.

/** Drive `x·W + b` of a layer. */
export function layerDrive(inputs: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => tf.add(tf.matMul(inputs, kernel), bias));
}

/** Expected counts per bin, f(u)·dt, `[N, O]`. */
export function expectedCounts(f: IntensityName, drive: tf.Tensor2D, dt: number): tf.Tensor2D {
  return tf.tidy(() => tf.mul(intensity(f, drive), dt));
}

/**
 * The spike-event factor `(data − model) ⊙ (f'/f)(u)`, `[N, O]`: +(f'/f)(u) at each data spike,
 * −(f'/f)(u) at each spike the model sampled, zero in every bin where neither spiked (nothing
 * happens between spikes). `data` and `model` hold spike counts per bin.
 */
export function spikeEventFactor(
  f: IntensityName,
  drive: tf.Tensor2D,
  data: tf.Tensor2D,
  model: tf.Tensor2D,
): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.sub(data, model), logIntensitySlope(f, drive)));
}

/**
 * The two rules of spike-event learning as one update of a layer's weights: at each data spike
 * of unit o in a bin with inputs x, `Δw_·o += (f'/f)(u_o) x` and `Δb_o += (f'/f)(u_o)`; at each
 * model spike the same with a minus sign. Summed over the bins. Its expectation over the model
 * spikes is the gradient of the Poisson log-likelihood of the data spikes (the ascent direction).
 */
export function spikeEventUpdate(
  f: IntensityName,
  inputs: tf.Tensor2D,
  drive: tf.Tensor2D,
  data: tf.Tensor2D,
  model: tf.Tensor2D,
): { kernel: tf.Tensor2D; bias: tf.Tensor1D } {
  return tf.tidy(() => factorUpdate(inputs, spikeEventFactor(f, drive, data, model)));
}

/** A layer's weight update from its per-bin, per-unit factor: `Σ_bins x ⊗ factor` and `Σ_bins factor`. */
export function factorUpdate(
  inputs: tf.Tensor2D,
  factor: tf.Tensor2D,
): { kernel: tf.Tensor2D; bias: tf.Tensor1D } {
  return { kernel: transposeTimes(inputs, factor), bias: columnSums(factor) };
}

/**
 * Poisson log-likelihood of spike counts per bin given their expected counts μ = f(u)·dt,
 * `Σ n ln μ − μ`, without the data's constant `−Σ ln n!` (the same for every model; see
 * `logFactorialSum`).
 */
export function poissonLogLikelihood(mean: tf.Tensor2D, counts: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() =>
    // A bin without spikes contributes −μ whatever the log; guard the log against μ = 0.
    tf.sum(tf.sub(tf.mul(counts, tf.log(tf.maximum(mean, 1e-30))), mean)),
  );
}
