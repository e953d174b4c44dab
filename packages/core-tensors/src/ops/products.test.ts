// The transpose-free products against float64 products on the host, on every backend, with
// shapes that take each of the two routes.
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import '../gradients.js';
import { createRng } from '../rng/rng.js';
import { assertClose, expectNoLeaks, testBackends, tolerance, useBackend } from '../testing/index.js';
import { COLUMN_SUMS, NARROW_TRANSPOSE_TIMES } from './narrow-products.js';
import { columnSums, timesTranspose, transposeTimes } from './products.js';

const backends = await testBackends();
const rng = createRng(8);
const matrix = (name: string, rows: number, cols: number) =>
  tf.tensor2d(rng.fork(name).normalArray(rows * cols, 0, 1), [rows, cols]);

/** float64 `x·y` of row-major `x [r, inner]` and `y [inner, c]`, each read through an index function. */
function product(
  rows: number,
  inner: number,
  cols: number,
  x: (i: number, k: number) => number,
  y: (k: number, j: number) => number,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let k = 0; k < inner; k++) s += x(i, k) * y(k, j);
      out.push(s);
    }
  }
  return out;
}

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  // [M, K, N]: wide activations with a narrow gradient (transpose d), and the other way round.
  // Neither narrow (≤ 16): the matmul routes.
  test.each([
    [60, 40, 3],
    [5, 7, 30],
    [20, 24, 30],
    [19, 30, 17],
  ])('transposeTimes and timesTranspose equal float64 products at M %i, K %i, N %i', async (m, k, n) => {
    const a = matrix(`a${m}`, m, k);
    const d = matrix(`d${m}`, m, n);
    const w = matrix(`w${m}`, k, n);
    const [av, dv, wv] = [await a.data(), await d.data(), await w.data()];
    // aᵀd[i, j] = Σ_m a[m, i]·d[m, j]; dwᵀ[i, j] = Σ_n d[i, n]·w[j, n].
    const atd = product(
      k,
      m,
      n,
      (i, r) => av[r * k + i],
      (r, j) => dv[r * n + j],
    );
    const dwt = product(
      m,
      n,
      k,
      (i, c) => dv[i * n + c],
      (c, j) => wv[j * n + c],
    );
    const tol = tolerance(backend);
    assertClose(await transposeTimes(a, d).data(), atd, tol, 'aᵀd');
    assertClose(await timesTranspose(d, w).data(), dwt, tol, 'dwᵀ');
    expect(transposeTimes(a, d).shape).toEqual([k, n]);
    expect(timesTranspose(d, w).shape).toEqual([m, k]);
    await expectNoLeaks(() => tf.dispose([transposeTimes(a, d), timesTranspose(d, w), columnSums(a)]));
    tf.dispose([a, d, w]);
  });

  test('columnSums equals a float64 sum over rows', async () => {
    const x = matrix('x', 33, 9);
    const values = await x.data();
    const expected = Array.from({ length: 9 }, (_, c) => {
      let s = 0;
      for (let r = 0; r < 33; r++) s += values[r * 9 + c];
      return s;
    });
    const sums = columnSums(x);
    expect(sums.shape).toEqual([9]);
    assertClose(await sums.data(), expected, tolerance(backend), 'column sums');
    tf.dispose([x, sums]);
  });

  test('narrow operands run the streamed kernels on cpu and wasm, one-hot rows included', async () => {
    // One-hot labels as a (their zeros are skipped) and a readout gradient's ten columns as d.
    const labels = tf.tensor1d([3, 0, 9, 3, 1, 7, 7], 'int32');
    const oneHot = tf.cast(tf.oneHot(labels, 10), 'float32') as tf.Tensor2D;
    const d = matrix('d-onehot', 7, 13);
    const [hv, dv] = [await oneHot.data(), await d.data()];
    const expected = product(
      10,
      7,
      13,
      (i, r) => hv[r * 10 + i],
      (r, j) => dv[r * 13 + j],
    );
    let result: tf.Tensor | undefined;
    let sums: tf.Tensor | undefined;
    const { kernels } = await tf.profile(() => {
      result = transposeTimes(oneHot, d);
      sums = columnSums(d);
    });
    assertClose(await result!.data(), expected, tolerance(backend), 'onehotᵀd');
    const names = kernels.map((k) => k.name);
    const streamed = backend === 'cpu' || backend === 'wasm';
    expect(names.includes(NARROW_TRANSPOSE_TIMES)).toBe(streamed);
    expect(names.includes(COLUMN_SUMS)).toBe(streamed);
    tf.dispose([labels, oneHot, d, result!, sums!]);
  });

  test('gradients through the narrow products equal those of plain matmuls', async () => {
    const a = matrix('ga', 9, 5);
    const d = matrix('gd', 9, 11);
    const weights = matrix('gw', 5, 11);
    const columnWeights = matrix('gc', 1, 11);
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
      tf.add(
        tf.sum(tf.mul(transposeTimes(x as tf.Tensor2D, y as tf.Tensor2D), weights)),
        tf.sum(tf.mul(columnSums(y as tf.Tensor2D), columnWeights)),
      ),
    )([a, d]);
    const plain = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
      tf.add(
        tf.sum(tf.mul(tf.matMul(tf.transpose(x), y), weights)),
        tf.sum(tf.mul(tf.sum(y, 0), columnWeights)),
      ),
    )([a, d]);
    for (let i = 0; i < 2; i++)
      assertClose(await ours[i].data(), await plain[i].data(), tolerance(backend), `grad ${i}`);
    tf.dispose([a, d, weights, columnWeights, ...ours, ...plain]);
  });
});
