import * as tf from '@tensorflow/tfjs-core';
import { PLAIN, SHARED } from '../simd/adam.wasm.js';
import { SimdModule, registerSimdKernel } from '../simd/runtime.js';
import type { SimdKernel } from '../simd/runtime.js';

// The fused Adam step as a tfjs kernel on the cpu and wasm backends: one WebAssembly SIMD pass
// (simd/adam.wat) instead of tfjs' fourteen element-wise ops, each a pass over the parameters
// with a fresh allocation. Results are bit-identical to tfjs' AdamOptimizer.

/** Kernel name: inputs {param, m, v, grad, beta1Power, beta2Power}, outputs [param, m, v]. */
export const FUSED_ADAM = 'PlasticityAdam';
/** Backends the fused kernel is registered for. */
export const FUSED_ADAM_BACKENDS = ['cpu', 'wasm'] as const;

/** Kernel attributes: the optimiser's hyper-parameters. */
export interface FusedAdamAttrs {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  [key: string]: number;
}

const adamModule = new SimdModule(FUSED_ADAM, PLAIN, SHARED);

/** The float32 constants the kernel takes, rounded as tfjs rounds its scalars. */
function constants(attrs: FusedAdamAttrs, beta1Power: number, beta2Power: number): number[] {
  const f = Math.fround;
  return [
    f(attrs.beta1),
    f(attrs.beta2),
    f(1 - attrs.beta1),
    f(1 - attrs.beta2),
    // 1 − β^t as one float32 subtraction, like tfjs' sub(1, accBeta).
    f(1 - beta1Power),
    f(1 - beta2Power),
    f(attrs.epsilon),
    f(-attrs.learningRate),
  ];
}

const INPUTS = ['param', 'm', 'v', 'grad', 'beta1Power', 'beta2Power'] as const;

const ADAM_KERNEL: SimdKernel = {
  inputs: INPUTS,
  outputs: ([param]) => [[...param.shape], [...param.shape], [...param.shape]],
  call: (exports, at, out, { inputs: [param], values, attrs }) =>
    exports.adam(
      at[0],
      at[1],
      at[2],
      at[3],
      out[0],
      out[1],
      out[2],
      tf.util.sizeFromShape(param.shape),
      ...constants(attrs as unknown as FusedAdamAttrs, values(4)[0], values(5)[0]),
    ),
};

/**
 * Registers the fused Adam kernel for cpu and wasm, once; false where WebAssembly SIMD is
 * missing (the optimiser then runs tfjs' own ops).
 */
export function registerFusedAdam(): boolean {
  if (!adamModule.available) return false;
  registerSimdKernel(adamModule, FUSED_ADAM, ADAM_KERNEL);
  return true;
}
