import * as tf from '@tensorflow/tfjs-core';
import { PLAIN, SHARED } from '../simd/products.wasm.js';
import { SimdModule, registerSimdKernel } from '../simd/runtime.js';

// Products with a narrow operand as kernels on the cpu and wasm backends (simd/products.wat):
// rows streamed through SIMD, nothing packed or transposed. A matmul packs its second operand
// whenever it changes, which for a bias gradient (a column sum) or a ten-class readout's
// gradient costs more than the product.

/** Kernel name: inputs {a [M, K], d [M, N]} (float32), output aᵀ·d `[K, N]`. */
export const NARROW_TRANSPOSE_TIMES = 'PlasticityNarrowTransposeTimes';
/** Kernel name: input {x [M, N]} (float32), output its column sums `[N]`. */
export const COLUMN_SUMS = 'PlasticityColumnSums';
/** The widest narrow operand (columns) the streamed kernel takes: beyond, a matmul wins. */
export const NARROW_LIMIT = 16;

const productsModule = new SimdModule('narrow products', PLAIN, SHARED);
let registered: boolean | undefined;

/** Registers both kernels (and their gradients) for cpu and wasm, once; false without WebAssembly SIMD. */
export function registerNarrowProducts(): boolean {
  if (registered !== undefined) return registered;
  registered = productsModule.available;
  if (!registered) return false;
  registerSimdKernel(productsModule, NARROW_TRANSPOSE_TIMES, {
    inputs: ['a', 'd'],
    outputs: ([a, d]) => [[a.shape[1], d.shape[1]]],
    call: (exports, at, out, { inputs: [a, d] }) =>
      exports.transposeTimes(at[0], at[1], out[0], a.shape[0], a.shape[1], d.shape[1]),
  });
  registerSimdKernel(productsModule, COLUMN_SUMS, {
    inputs: ['x'],
    outputs: ([x]) => [[x.shape[1]]],
    call: (exports, at, out, { inputs: [x] }) => exports.columnSums(at[0], out[0], x.shape[0], x.shape[1]),
  });
  tf.registerGradient({
    kernelName: NARROW_TRANSPOSE_TIMES,
    inputsToSave: ['a', 'd'],
    gradFunc: (dy, [a, d]) => ({
      a: () => tf.matMul(d, dy as tf.Tensor, false, true),
      d: () => tf.matMul(a, dy as tf.Tensor),
    }),
  });
  tf.registerGradient({
    kernelName: COLUMN_SUMS,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(tf.onesLike(x), tf.reshape(dy as tf.Tensor, [1, -1])) }),
  });
  return true;
}

/** Whether the active backend runs the narrow kernels (float32 operands only). */
export function narrowKernelsHere(...operands: tf.Tensor[]): boolean {
  return (
    registerNarrowProducts() &&
    tf.getKernel(COLUMN_SUMS, tf.getBackend()) !== undefined &&
    operands.every((t) => t.dtype === 'float32')
  );
}
