// The row kernels against float64 sums and products on the host, on every backend, and their
// gradients against those of the plain tfjs ops.
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import '../gradients.js';
import { createRng } from '../rng/rng.js';
import { assertClose, expectNoLeaks, testBackends, tolerance, useBackend } from '../testing/index.js';
import { ROW_SQUARE_SUMS, SCALE_ROWS, rowSquareSums, scaleRows } from './rows.js';

const backends = await testBackends();
const rng = createRng(9);
const matrix = (name: string, rows: number, cols: number) =>
  tf.tensor2d(rng.fork(name).normalArray(rows * cols, 0, 1), [rows, cols]);

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  // Widths with and without a tail past the last whole SIMD vector.
  test.each([
    [7, 13],
    [4, 8],
    [3, 1],
  ])('rowSquareSums and scaleRows equal float64 results at [%i, %i]', async (m, n) => {
    const x = matrix(`x${m}x${n}`, m, n);
    const s = tf.tensor1d(rng.fork(`s${m}`).normalArray(m, 0, 1));
    const [xv, sv] = [await x.data(), await s.data()];
    const squares = Array.from({ length: m }, (_, r) => {
      let sum = 0;
      for (let j = 0; j < n; j++) sum += xv[r * n + j] ** 2;
      return sum;
    });
    const scaled = Array.from(xv, (v, i) => v * sv[Math.floor(i / n)]);
    const sums = rowSquareSums(x);
    const rows = scaleRows(x, s);
    expect(sums.shape).toEqual([m]);
    expect(rows.shape).toEqual([m, n]);
    assertClose(await sums.data(), squares, tolerance(backend), 'row square sums');
    assertClose(await rows.data(), scaled, tolerance(backend), 'scaled rows');
    await expectNoLeaks(() => tf.dispose([rowSquareSums(x), scaleRows(x, s)]));
    tf.dispose([x, s, sums, rows]);
  });

  test('cpu and wasm run the SIMD kernels', async () => {
    const x = matrix('profiled', 5, 6);
    const s = tf.ones([5]) as tf.Tensor1D;
    let made: tf.Tensor[] = [];
    const { kernels } = await tf.profile(() => {
      made = [rowSquareSums(x), scaleRows(x, s)];
    });
    const names = kernels.map((k) => k.name);
    const simd = backend === 'cpu' || backend === 'wasm';
    expect(names.includes(ROW_SQUARE_SUMS)).toBe(simd);
    expect(names.includes(SCALE_ROWS)).toBe(simd);
    tf.dispose([x, s, ...made]);
  });

  test('gradients equal those of square-sum and broadcast multiply', async () => {
    const x = matrix('gx', 6, 9);
    const s = tf.tensor1d(rng.fork('gs').normalArray(6, 0, 1));
    const weights = matrix('gw', 6, 9);
    const rowWeights = tf.tensor1d(rng.fork('gr').normalArray(6, 0, 1));
    const objective = (sums: tf.Tensor, scaled: tf.Tensor) =>
      tf.add(tf.sum(tf.mul(sums, rowWeights)), tf.sum(tf.mul(scaled, weights)));
    const ours = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      objective(rowSquareSums(a as tf.Tensor2D), scaleRows(a as tf.Tensor2D, b as tf.Tensor1D)),
    )([x, s]);
    const plain = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      objective(tf.sum(tf.square(a), 1), tf.mul(a, tf.expandDims(b, 1))),
    )([x, s]);
    for (let i = 0; i < 2; i++)
      assertClose(await ours[i].data(), await plain[i].data(), tolerance(backend), `grad ${i}`);
    tf.dispose([x, s, weights, rowWeights, ...ours, ...plain]);
  });

  test('a vector, or factors that do not match the rows, are refused with the shapes', () => {
    const x = matrix('bad', 3, 4);
    const v = tf.ones([4]);
    expect(() => rowSquareSums(v as unknown as tf.Tensor2D)).toThrow(/expected a matrix.*got shape \[4\]/);
    expect(() => scaleRows(x, tf.ones([4]) as tf.Tensor1D)).toThrow(
      /one factor per row of \[3,4\], got shape \[4\]/,
    );
    tf.dispose([x, v]);
  });
});
