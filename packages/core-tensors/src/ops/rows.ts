import * as tf from '@tensorflow/tfjs-core';
import { PLAIN, SHARED } from '../simd/rows.wasm.js';
import { PlasticityError } from '../errors/plasticity-error.js';
import { SimdModule, registerSimdKernel } from '../simd/runtime.js';

// Row-wise reductions and scalings as kernels on the cpu and wasm backends (simd/rows.wat): one
// pass over the matrix each, where tfjs takes a square, a reduction and a broadcast (the wasm
// backend's broadcast division alone costs about a third of a matmul's time per element).
// Other backends run the same maths as tfjs ops.

/** Kernel name: input {x [M, N]} (float32), output the sum of squares of each row `[M]`. */
export const ROW_SQUARE_SUMS = 'PlasticityRowSquareSums';
/** Kernel name: inputs {x [M, N], s [M]} (float32), output `x` with row r times `s[r]`. */
export const SCALE_ROWS = 'PlasticityScaleRows';

const rowsModule = new SimdModule('row kernels', PLAIN, SHARED);
let registered: boolean | undefined;

function registerRowKernels(): boolean {
  if (registered !== undefined) return registered;
  registered = rowsModule.available;
  if (!registered) return false;
  registerSimdKernel(rowsModule, ROW_SQUARE_SUMS, {
    inputs: ['x'],
    outputs: ([x]) => [[x.shape[0]]],
    call: (exports, at, out, { inputs: [x] }) => exports.rowSquareSums(at[0], out[0], x.shape[0], x.shape[1]),
  });
  registerSimdKernel(rowsModule, SCALE_ROWS, {
    inputs: ['x', 's'],
    outputs: ([x]) => [[...x.shape]],
    call: (exports, at, out, { inputs: [x] }) =>
      exports.scaleRows(at[0], at[1], out[0], x.shape[0], x.shape[1]),
  });
  tf.registerGradient({
    kernelName: ROW_SQUARE_SUMS,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({
      x: () => scaleRows(x as tf.Tensor2D, tf.mul(dy as tf.Tensor, 2) as tf.Tensor1D),
    }),
  });
  tf.registerGradient({
    kernelName: SCALE_ROWS,
    inputsToSave: ['x', 's'],
    gradFunc: (dy, [x, s]) => ({
      x: () => scaleRows(dy as tf.Tensor2D, s as tf.Tensor1D),
      s: () => tf.sum(tf.mul(dy as tf.Tensor, x), 1),
    }),
  });
  return true;
}

const kernelsHere = (...operands: tf.Tensor[]): boolean =>
  registerRowKernels() &&
  tf.getKernel(ROW_SQUARE_SUMS, tf.getBackend()) !== undefined &&
  operands.every((t) => t.dtype === 'float32');

function checkMatrix(x: tf.Tensor, what: string): void {
  if (x.rank !== 2) {
    throw new PlasticityError(
      'E_SHAPE',
      `${what}: expected a matrix [rows, columns], got shape [${x.shape}]`,
      {
        shape: x.shape,
      },
    );
  }
}

/** The sum of squares of each row of `x [M, N]` → `[M]`. */
export function rowSquareSums(x: tf.Tensor2D): tf.Tensor1D {
  checkMatrix(x, 'rowSquareSums');
  if (kernelsHere(x)) return tf.engine().runKernel(ROW_SQUARE_SUMS, { x }) as tf.Tensor1D;
  return tf.tidy(() => tf.sum(tf.square(x), 1));
}

/** Row r of `x [M, N]` times `s[r]` (`s [M]`). */
export function scaleRows(x: tf.Tensor2D, s: tf.Tensor1D): tf.Tensor2D {
  checkMatrix(x, 'scaleRows');
  if (s.rank !== 1 || s.shape[0] !== x.shape[0]) {
    throw new PlasticityError(
      'E_SHAPE',
      `scaleRows: expected one factor per row of [${x.shape}], got shape [${s.shape}]`,
      { shape: s.shape, rows: x.shape[0] },
    );
  }
  if (kernelsHere(x, s)) return tf.engine().runKernel(SCALE_ROWS, { x, s }) as tf.Tensor2D;
  return tf.tidy(() => tf.mul(x, tf.expandDims(s, 1)));
}
