// The wasm backend's Transpose kernel after `transposeWasmInBlocks`: matrices of every size
// around the 4 × 4 blocks equal an index-by-index transpose; other cases keep tfjs' kernel.
import { beforeAll, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../testing/index.js';

beforeAll(async () => {
  await useBackend('wasm');
});

test('float32 matrices of sizes 1–13 by 1–13 and 256 × 801 equal the reference', async () => {
  const shapes: [number, number][] = [[256, 801]];
  for (let rows = 1; rows <= 13; rows++) for (let cols = 1; cols <= 13; cols += 3) shapes.push([rows, cols]);
  for (const [rows, cols] of shapes) {
    const values = Float32Array.from({ length: rows * cols }, (_, i) => i * 0.5 - 7);
    const x = tf.tensor2d(values, [rows, cols]);
    const y = tf.transpose(x);
    expect(y.shape).toEqual([cols, rows]);
    const out = await y.data();
    const expected = Float32Array.from({ length: rows * cols }, (_, i) => {
      const [c, r] = [Math.floor(i / rows), i % rows];
      return values[r * cols + c];
    });
    expect({ rows, cols, same: out.every((v, i) => v === expected[i]) }).toEqual({ rows, cols, same: true });
    tf.dispose([x, y]);
  }
});

test('the blocked kernel runs for float32 matrices, not for other ranks or dtypes', async () => {
  // Ours reads the heap through typedArrayFromHeap; tfjs' kernel passes data ids to C++.
  const backend = tf.backend() as unknown as { typedArrayFromHeap: (...args: unknown[]) => unknown };
  const reads = { count: 0 };
  const own = backend.typedArrayFromHeap;
  backend.typedArrayFromHeap = (...args: unknown[]) => {
    reads.count++;
    return own.apply(backend, args);
  };
  try {
    const x = tf.zeros([8, 12]);
    reads.count = 0;
    tf.dispose(tf.transpose(x));
    expect(reads.count).toBeGreaterThan(0);
    const ints = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    const cube = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    reads.count = 0;
    const [intsT, cubeT] = [tf.transpose(ints), tf.transpose(cube, [2, 0, 1])];
    expect(reads.count).toBe(0);
    expect(Array.from(await intsT.data())).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(await cubeT.data())).toEqual([1, 3, 5, 7, 2, 4, 6, 8]);
    tf.dispose([x, ints, cube, intsT, cubeT]);
  } finally {
    backend.typedArrayFromHeap = own;
  }
});
