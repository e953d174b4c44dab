import * as tf from '@tensorflow/tfjs-core';
import { overrideWasmKernel } from './wasm-override.js';

interface WasmSliceBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * Makes the wasm backend's Slice kernel read its input in place. tfjs 4.22's copies the whole
 * input out of the heap (`readSync`) for every slice, however small, so splitting a batch in two
 * cost two full copies plus their garbage: 15 % of a Forward-Forward step at batch 1,000. This
 * one copies only the rows it keeps. Strings keep the original kernel. Idempotent.
 */
export function sliceWasmInPlace(): void {
  overrideWasmKernel(tf.Slice, (args, original) => {
    const x = args.inputs.x!;
    if (x.dtype === 'string') return original(args);
    const backend = args.backend as unknown as WasmSliceBackend;
    const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
    const [start, extent] = tf.slice_util.parseSliceParams(x as tf.TensorInfo as tf.Tensor, begin, size);
    const out = backend.makeOutput(extent, x.dtype);
    // Views after the allocation: it may have grown (and so detached) the heap.
    const from = backend.typedArrayFromHeap(x);
    const to = backend.typedArrayFromHeap(out);
    copySlice(from, x.shape, start, extent, to);
    return out;
  });
}

/** Copies the block at `start` of size `extent` of a row-major `shape` array into `to`, run by run. */
export function copySlice(
  from: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> },
  shape: readonly number[],
  start: readonly number[],
  extent: readonly number[],
  to: { set(values: ArrayLike<number>, offset: number): void },
): void {
  const rank = shape.length;
  if (extent.some((e) => e === 0)) return;
  if (rank === 0) {
    to.set(from.subarray(0, 1), 0);
    return;
  }
  const strides = tf.util.computeStrides(shape as number[]);
  // The innermost axes that are taken whole join the contiguous run.
  let inner = rank - 1;
  let run = extent[inner];
  while (inner > 0 && extent[inner] === shape[inner] && start[inner] === 0) {
    inner--;
    run *= extent[inner];
  }
  const index = new Array<number>(inner).fill(0);
  let written = 0;
  for (;;) {
    let offset = start[inner] * (inner < rank - 1 ? strides[inner] : 1);
    for (let axis = 0; axis < inner; axis++) offset += (start[axis] + index[axis]) * strides[axis];
    to.set(from.subarray(offset, offset + run), written);
    written += run;
    // Next index over the outer axes, last fastest.
    let axis = inner - 1;
    while (axis >= 0 && ++index[axis] === extent[axis]) index[axis--] = 0;
    if (axis < 0) return;
  }
}
