import * as tf from '@tensorflow/tfjs-core';
import { glorotUniform, heNormal, normalTensor, uniformTensor } from '@plasticity/core-tensors';
import type { Rng } from '@plasticity/core-tensors';
import type { InitSpec, Padding } from './spec.js';

// Time-distributed connection ops: `[T, B, ...]` folded into one `[T·B, ...]` batch, so each
// connection is one op over the whole sequence; only the neuron layers loop over time.

/** Weights drawn on the host from `rng` (identical on every backend). */
export function initWeights(rng: Rng, shape: readonly number[], init: InitSpec): tf.Tensor {
  if (init === 'glorot-uniform') return glorotUniform(rng, shape);
  if (init === 'he-normal') return heNormal(rng, shape);
  return init.dist === 'normal'
    ? normalTensor(rng, shape, init.mean, init.std)
    : uniformTensor(rng, shape, init.lo, init.hi);
}

/** Runs `fn` on `x [T, B, ...]` reshaped to `[T·B, ...]`, then restores the leading `[T, B]`. */
export function timeDistributed(x: tf.Tensor, fn: (folded: tf.Tensor) => tf.Tensor): tf.Tensor {
  const [steps, batch, ...rest] = x.shape;
  const y = fn(tf.reshape(x, [steps * batch, ...rest]));
  return tf.reshape(y, [steps, batch, ...y.shape.slice(1)]);
}

/**
 * Output length and (before, after) padding along one axis: TensorFlow's 'same'/'valid' rules,
 * or `pad` zeros on each side.
 */
function windowPlan(length: number, size: number, stride: number, padding: 'same' | 'valid' | number) {
  if (typeof padding === 'number' || padding === 'valid') {
    const pad = padding === 'valid' ? 0 : padding;
    return { out: Math.floor((length + 2 * pad - size) / stride) + 1, before: pad, after: pad };
  }
  const out = Math.ceil(length / stride);
  const total = Math.max((out - 1) * stride + size - length, 0);
  return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
}

/** Depth-1 3-D convolution: wasm lacks Conv2DBackpropFilter, and has Conv3D's gradients. */
function conv3dAs2d(x: tf.Tensor4D, kernel: tf.Tensor4D, padding: 'same' | 'valid'): tf.Tensor4D {
  const y = tf.conv3d(
    tf.expandDims(x, 1) as tf.Tensor5D,
    tf.expandDims(kernel, 0) as tf.Tensor5D,
    1,
    padding,
  );
  return tf.squeeze(y, [1]) as tf.Tensor4D;
}

type Plan = ReturnType<typeof windowPlan>;

function padSpatial(x: tf.Tensor4D, rows: Plan, cols: Plan, value = 0): tf.Tensor4D {
  if (rows.before + rows.after + cols.before + cols.after === 0) return x;
  const paddings: [number, number][] = [
    [0, 0],
    [rows.before, rows.after],
    [cols.before, cols.after],
    [0, 0],
  ];
  return tf.pad(x, paddings, value);
}

/**
 * Every stride-th row and column of a stride-1 result `[N, H1, W1, C]`, `rows.out × cols.out`
 * of them, by pad, slice and reshape, whose gradients are right on every backend (tfjs 4.22's
 * wasm gets the Conv3D gradients wrong for strides > 1). Strided slices are slow on cpu.
 */
function subsample(y: tf.Tensor4D, stride: readonly [number, number], rows: Plan, cols: Plan): tf.Tensor4D {
  if (stride[0] === 1 && stride[1] === 1) return tf.slice(y, 0, [-1, rows.out, cols.out, -1]);
  const [n, have, haveCols, channels] = y.shape;
  const [wantRows, wantCols] = [rows.out * stride[0], cols.out * stride[1]];
  const grown = tf.pad(y, [
    [0, 0],
    [0, Math.max(0, wantRows - have)],
    [0, Math.max(0, wantCols - haveCols)],
    [0, 0],
  ]);
  const fitted = tf.slice(grown, 0, [n, wantRows, wantCols, channels]);
  const blocks = tf.reshape(fitted, [n, rows.out, stride[0], cols.out, stride[1], channels]);
  const kept = tf.slice(blocks, 0, [n, rows.out, 1, cols.out, 1, channels]);
  return tf.reshape(kept, [n, rows.out, cols.out, channels]);
}

/** Explicit padding applied to `x`, leaving a 'valid' window op (value: what pads hold). */
function padExplicit(x: tf.Tensor4D, padding: readonly [number, number], value = 0): tf.Tensor4D {
  const [rows, cols] = padding;
  return padSpatial(x, { out: 0, before: rows, after: rows }, { out: 0, before: cols, after: cols }, value);
}

/** NHWC 2-D convolution `x [N, H, W, C]` with `kernel [kh, kw, C, F]`, TensorFlow or explicit padding. */
export function conv2d(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  stride: readonly [number, number],
  padding: Padding,
): tf.Tensor4D {
  if (typeof padding !== 'string') return conv2d(padExplicit(x, padding), kernel, stride, 'valid');
  // Only wasm needs the Conv3D route; on webgpu (4.22, SwiftShader) Conv3D returns zeros.
  if (tf.getBackend() !== 'wasm') return tf.conv2d(x, kernel, [stride[0], stride[1]], padding);
  if (stride[0] === 1 && stride[1] === 1) return conv3dAs2d(x, kernel, padding);
  const rows = windowPlan(x.shape[1], kernel.shape[0], stride[0], padding);
  const cols = windowPlan(x.shape[2], kernel.shape[1], stride[1], padding);
  return subsample(conv3dAs2d(padSpatial(x, rows, cols), kernel, 'valid'), stride, rows, cols);
}

/**
 * NHWC max or average pooling. Except on cpu, max pooling is the running maximum of the window's
 * shifted slices (the gradient of a tie goes to the first tied element in row-major window
 * order): tfjs 4.22's MaxPoolGrad drops some windows' gradients on wasm and routes one wrongly
 * on webgpu. On cpu, where slices are slow, `tf.maxPool` is right.
 */
export function pool2d(
  x: tf.Tensor4D,
  kind: 'max' | 'avg' | 'sum',
  size: readonly [number, number],
  stride: readonly [number, number],
  padding: Padding,
): tf.Tensor4D {
  const window: [number, number] = [size[0], size[1]];
  const strides: [number, number] = [stride[0], stride[1]];
  if (typeof padding !== 'string') {
    // Padded zeros count in an average (PyTorch's count_include_pad); a max never picks a pad.
    return pool2d(padExplicit(x, padding, kind === 'max' ? -Infinity : 0), kind, size, stride, 'valid');
  }
  if (kind === 'sum') {
    // The window's sum, pads counted as zeros (an average over 'same' pads would exclude them).
    const rows = windowPlan(x.shape[1], size[0], stride[0], padding);
    const cols = windowPlan(x.shape[2], size[1], stride[1], padding);
    return tf.mul(tf.avgPool(padSpatial(x, rows, cols), window, strides, 'valid'), size[0] * size[1]);
  }
  if (kind === 'avg') return tf.avgPool(x, window, strides, padding);
  if (tf.getBackend() === 'cpu') return tf.maxPool(x, window, strides, padding);
  const rows = windowPlan(x.shape[1], size[0], stride[0], padding);
  const cols = windowPlan(x.shape[2], size[1], stride[1], padding);
  const padded = padSpatial(x, rows, cols, -Infinity);
  const [n, h, w, c] = padded.shape;
  let max: tf.Tensor4D | undefined;
  for (let dr = 0; dr < size[0]; dr++) {
    for (let dq = 0; dq < size[1]; dq++) {
      const shifted = tf.slice(padded, [0, dr, dq, 0], [n, h - size[0] + 1, w - size[1] + 1, c]);
      max = max ? tf.maximum(max, shifted) : shifted;
    }
  }
  return subsample(max!, stride, rows, cols);
}
