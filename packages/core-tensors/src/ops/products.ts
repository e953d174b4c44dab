import * as tf from '@tensorflow/tfjs-core';
import { COLUMN_SUMS, NARROW_LIMIT, NARROW_TRANSPOSE_TIMES, narrowKernelsHere } from './narrow-products.js';

// The products a dense layer's gradient needs, without transpose flags and with the cheaper of
// two transposes. The wasm backend runs a matmul with a transpose flag about 12× slower than a
// plain one (tfjs 4.22), and an explicit transpose of an M×K matrix costs about as much as a
// matmul of the same size, so the route that transposes fewer elements wins: for a readout
// with few outputs, transposing the small gradient beats transposing the wide activations.

/**
 * `aᵀ·d` for `a [M, K]`, `d [M, N]` → `[K, N]` (a weight gradient): `transpose(a)·d`, or
 * `(dᵀ·a)ᵀ` when `d` and the result are smaller than `a`.
 */
export function transposeTimes(a: tf.Tensor2D, d: tf.Tensor2D): tf.Tensor2D {
  const [, k] = a.shape;
  const [, n] = d.shape;
  if (Math.min(k, n) <= NARROW_LIMIT && narrowKernelsHere(a, d)) {
    // Stream the rows against the narrow operand: aᵀ·d directly, or (dᵀ·a)ᵀ with a small transpose.
    const narrow = (x: tf.Tensor2D, y: tf.Tensor2D) =>
      tf.engine().runKernel(NARROW_TRANSPOSE_TIMES, { a: x, d: y }) as tf.Tensor2D;
    return k <= NARROW_LIMIT ? narrow(a, d) : tf.tidy(() => tf.transpose(narrow(d, a)));
  }
  if (d.size + k * n < a.size) {
    return tf.tidy(() => tf.transpose(tf.matMul(tf.transpose(d), a)));
  }
  return tf.tidy(() => tf.matMul(tf.transpose(a), d));
}

/**
 * `d·wᵀ` for `d [M, N]`, `w [K, N]` → `[M, K]` (an input gradient): `d·transpose(w)`, or
 * `(w·dᵀ)ᵀ` when `d` and the result are smaller than `w`.
 */
export function timesTranspose(d: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const [m] = d.shape;
  const [k] = w.shape;
  if (d.size + m * k < w.size) {
    return tf.tidy(() => tf.transpose(tf.matMul(w, tf.transpose(d))));
  }
  return tf.tidy(() => tf.matMul(d, tf.transpose(w)));
}

/**
 * Column sums of `x [M, N]` → `[N]` (a bias gradient, counts over a batch) as `1ᵀ·x`: the wasm
 * backend reduces over a leading axis by transposing the whole tensor first, 30× slower than
 * this matrix-vector product at 3200 × 1000.
 */
export function columnSums(x: tf.Tensor2D): tf.Tensor1D {
  if (narrowKernelsHere(x)) return tf.engine().runKernel(COLUMN_SUMS, { x }) as tf.Tensor1D;
  return tf.tidy(() => tf.reshape(tf.matMul(tf.ones([1, x.shape[0]]), x), [x.shape[1]]));
}
