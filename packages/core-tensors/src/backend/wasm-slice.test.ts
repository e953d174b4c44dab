// The wasm backend's Slice kernel after `sliceWasmInPlace`: the values of an index-by-index
// reference for every rank and dtype, without reading the whole input out of the heap.
import { beforeAll, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../rng/rng.js';
import { useBackend } from '../testing/index.js';

beforeAll(async () => {
  await useBackend('wasm');
});

/** The slice by its definition: each output element's input index, row-major. */
function reference(values: ArrayLike<number>, shape: number[], begin: number[], size: number[]): number[] {
  const out: number[] = [];
  const total = size.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let source = 0;
    for (let axis = shape.length - 1, scale = 1; axis >= 0; scale *= shape[axis], axis--) {
      const i = rest % size[axis];
      rest = Math.floor(rest / size[axis]);
      source += (begin[axis] + i) * scale;
    }
    out.push(values[source]);
  }
  return out;
}

test('random slices of ranks 1 to 5 in float32, int32 and bool equal the reference', async () => {
  const rng = createRng(5);
  for (let trial = 0; trial < 60; trial++) {
    const rank = 1 + (trial % 5);
    const shape = Array.from({ length: rank }, () => 1 + rng.int(5));
    const begin = shape.map((n) => rng.int(n));
    // Some axes whole, some partial, some single: every kind of run.
    const size = shape.map((n, axis) => (rng.int(3) === 0 ? -1 : 1 + rng.int(n - begin[axis])));
    const extent = size.map((s, axis) => (s === -1 ? shape[axis] - begin[axis] : s));
    const dtype = (['float32', 'int32', 'bool'] as const)[trial % 3];
    const values = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) =>
      dtype === 'bool' ? i % 2 : dtype === 'int32' ? i - 7 : i * 0.5 - 3,
    );
    const x = tf.tensor(values, shape, dtype);
    const y = tf.slice(x, begin, size);
    expect(y.shape).toEqual(extent);
    expect(Array.from(await y.data())).toEqual(reference(values, shape, begin, extent));
    tf.dispose([x, y]);
  }
});

test('a slice does not read the whole input out of the heap', () => {
  const backend = tf.backend() as unknown as { readSync(dataId: object): unknown };
  const x = tf.zeros([1000, 500]);
  const readSync = backend.readSync;
  let reads = 0;
  backend.readSync = (dataId: object) => {
    reads++;
    return readSync.call(backend, dataId);
  };
  try {
    tf.dispose([tf.slice(x, [0, 0], [500, -1]), tf.slice(x, [10, 20], [5, 5])]);
  } finally {
    backend.readSync = readSync;
  }
  expect(reads).toBe(0);
  x.dispose();
});

test('empty slices and strings still work', async () => {
  const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
  const empty = tf.slice(x, [1, 0], [0, 2]);
  expect(empty.shape).toEqual([0, 2]);
  const words = tf.tensor1d(['a', 'b', 'c'], 'string');
  const middle = tf.slice(words, [1], [1]);
  expect(await middle.data()).toEqual(['b']);
  tf.dispose([x, empty, words, middle]);
});
