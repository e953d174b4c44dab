// The wasm backend's Identity kernel after `shareWasmIdentity`: a clone shares its input's data
// (no copy), outlives the original, and frees the data when the last handle goes.
import { beforeAll, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import '../gradients.js';
import { useBackend } from '../testing/index.js';

beforeAll(async () => {
  await useBackend('wasm');
});

test('a clone shares the data, survives the original, and frees it last', async () => {
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const before = backend.numDataIds();
  const x = tf.tensor1d([1, 2, 3]);
  const y = tf.clone(x);
  expect(y.dataId).toBe(x.dataId); // a copy would be a new data id
  expect(backend.numDataIds()).toBe(before + 1);
  x.dispose();
  expect(Array.from(await y.data())).toEqual([1, 2, 3]);
  y.dispose();
  expect(backend.numDataIds()).toBe(before);
});

test('gradients through saved tensors are unchanged', async () => {
  // exp saves its output for the backward pass (a clone through Identity).
  const x = tf.tensor1d([0, 1, 2]);
  const g = tf.grad((v: tf.Tensor) => tf.sum(tf.exp(v)))(x);
  const expected = [1, Math.E, Math.E ** 2];
  Array.from(await g.data()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  tf.dispose([x, g]);
});
