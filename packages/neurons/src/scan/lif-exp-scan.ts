import * as tf from '@tensorflow/tfjs-core';
import { expSynapseConstants, refractorySteps } from '../models/decay.js';
import type { LifExpParams } from '../models/params.js';
import type { SurrogateSpec } from '../surrogate.js';
import type { LifExpScanAttrs } from './kernels.js';
import { LIF_EXP_SCAN, LIF_EXP_SCAN_GRAD } from './kernels.js';
import { scanSpikesOnly } from './spikes-only.js';

/** True when the active backend has the fused lifExp scan kernel registered. */
export function hasFusedScan(): boolean {
  return tf.getKernel(LIF_EXP_SCAN, tf.getBackend()) !== undefined;
}

/** The one parameter of a surrogate (slope, alpha or beta; 0 for none), as the kernels take it. */
export function surrogateScale(spec: SurrogateSpec): number {
  switch (spec.kind) {
    case 'fast-sigmoid':
      return spec.slope;
    case 'arctan':
      return spec.alpha;
    case 'super-spike':
      return spec.beta;
    case 'none':
      return 0;
  }
}

/**
 * The whole lifExp time loop in one kernel: `currents [T, B, units]` (the input added to I at
 * each step, already multiplied by the weights) → spikes and pre-reset voltages `[T, B, units]`,
 * starting from rest. Differentiable: the gradient kernel runs the surrogate backward in
 * reversed time. Only where `hasFusedScan()`; same results as the per-step op loop. With
 * `voltage: false` the backward pass needs no voltage gradient (cpu and wasm; webgpu still
 * returns `v`).
 */
export function lifExpScan(
  currents: tf.Tensor3D,
  params: LifExpParams,
  surrogate: SurrogateSpec,
  options: { readonly voltage?: boolean } = {},
): { spikes: tf.Tensor3D; v?: tf.Tensor3D } {
  const attrs: LifExpScanAttrs = {
    ...expSynapseConstants(params.tauMem, params.tauSyn, params.dt),
    threshold: params.threshold,
    refractorySteps: refractorySteps(params.refractory, params.dt),
    surrogate: surrogate.kind,
    surrogateScale: surrogateScale(surrogate),
  };
  const named = attrs as unknown as tf.NamedAttrMap;
  if (options.voltage === false && tf.getBackend() !== 'webgpu') {
    return { spikes: scanSpikesOnly(LIF_EXP_SCAN, LIF_EXP_SCAN_GRAD, currents, named) as tf.Tensor3D };
  }
  const [spikes, v] = tf.engine().runKernel(LIF_EXP_SCAN, { currents }, named) as tf.Tensor3D[];
  return { spikes, v };
}
