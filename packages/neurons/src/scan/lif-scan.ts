import * as tf from '@tensorflow/tfjs-core';
import type { LifParams } from '../models/params.js';
import type { SurrogateSpec } from '../surrogate.js';
import type { LifScanAttrs } from './kernels.js';
import { LIF_SCAN, LIF_SCAN_GRAD } from './kernels.js';
import { surrogateScale } from './lif-exp-scan.js';
import { scanSpikesOnly } from './spikes-only.js';

/** True when the active backend has the fused lif scan kernel and `params` fits it (no refractory period). */
export function hasFusedLifScan(params: LifParams): boolean {
  return params.refractory === 0 && tf.getKernel(LIF_SCAN, tf.getBackend()) !== undefined;
}

/**
 * The whole lif time loop in one kernel: `currents [T, B, units]` (the input added to the
 * membrane at each step), or `[1, B, units]` held for `steps` steps (a time-invariant input
 * projected once) → spikes and voltages `[steps, B, units]` from rest. Differentiable: the
 * gradient kernel runs the surrogate backward in reversed time. Only where
 * `hasFusedLifScan(params)`; same results as `lifStep` in a loop. With `voltage: false` only
 * the spikes come back, and the backward pass needs no voltage gradient.
 */
export function lifScan(
  currents: tf.Tensor3D,
  params: LifParams,
  surrogate: SurrogateSpec,
  steps?: number,
): { spikes: tf.Tensor3D; v: tf.Tensor3D };
export function lifScan(
  currents: tf.Tensor3D,
  params: LifParams,
  surrogate: SurrogateSpec,
  steps: number | undefined,
  options: { readonly voltage: false },
): { spikes: tf.Tensor3D };
export function lifScan(
  currents: tf.Tensor3D,
  params: LifParams,
  surrogate: SurrogateSpec,
  steps = currents.shape[0],
  options: { readonly voltage?: boolean } = {},
): { spikes: tf.Tensor3D; v?: tf.Tensor3D } {
  if (currents.shape[0] !== steps && currents.shape[0] !== 1) {
    throw new Error(`lifScan: currents of ${currents.shape[0]} steps cannot be run for ${steps} steps`);
  }
  const attrs: LifScanAttrs = {
    beta: Math.exp(-params.dt / params.tauMem),
    threshold: params.threshold,
    reset: params.reset,
    steps,
    inputSteps: currents.shape[0],
    surrogate: surrogate.kind,
    surrogateScale: surrogateScale(surrogate),
  };
  const named = attrs as unknown as tf.NamedAttrMap;
  if (options.voltage === false) {
    return { spikes: scanSpikesOnly(LIF_SCAN, LIF_SCAN_GRAD, currents, named) as tf.Tensor3D };
  }
  const [spikes, v] = tf.engine().runKernel(LIF_SCAN, { currents }, named) as tf.Tensor3D[];
  return { spikes, v };
}
