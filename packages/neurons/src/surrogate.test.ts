// Surrogate spike functions: exact Heaviside forward, derivative against closed forms written
// here (not the package's formulas), on every backend.
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { isPlasticityError } from '@plasticity/core-tensors';
import { assertClose, testBackends, tolerance, useBackend } from '@plasticity/core-tensors/testing';
import type { SpikeFunction } from './surrogate.js';
import { arctan, fastSigmoid, heaviside, superSpike, surrogateDerivative } from './surrogate.js';

const backends = await testBackends();
const xs = [-3, -0.5, -0.04, 0, 0.01, 0.3, 2];

// d/dx of the fast sigmoid x/(1 + k|x|) is 1/(1 + k|x|)²; d/dx of (1/π)·atan(π/2·αx) is
// (α/2)/(1 + (π/2·αx)²).
const closedForms: [string, SpikeFunction, (x: number) => number][] = [
  ['fast-sigmoid', fastSigmoid({ slope: 4 }), (x) => 1 / (1 + 4 * Math.abs(x)) ** 2],
  ['arctan', arctan({ alpha: 3 }), (x) => 1.5 / (1 + ((Math.PI / 2) * 3 * x) ** 2)],
  ['super-spike', superSpike({ beta: 10 }), (x) => 1 / (1 + 10 * Math.abs(x)) ** 2],
  ['heaviside', heaviside, () => 0],
];

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test.each(closedForms)(
    '%s: Heaviside forward, closed-form derivative backward',
    async (_name, fn, derivative) => {
      const x = tf.tensor1d(xs);
      const scale = tf.tensor1d(xs.map((_, i) => i + 1));
      const y = fn(x);
      // d/dx Σ scale·H(x) = scale·σ'(x): checks that dy is multiplied in.
      const g = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(fn(input), scale)))(x);
      expect(Array.from(await y.data())).toEqual(xs.map((v) => (v >= 0 ? 1 : 0)));
      const expected = xs.map((v, i) => (i + 1) * derivative(v));
      assertClose(await g.data(), expected, tolerance(backend), `${backend} ${_name}'`);
      assertClose(
        xs.map((v) => surrogateDerivative(fn.surrogate, v)),
        xs.map(derivative),
        { rtol: 1e-12, atol: 0 },
        'host',
      );
      tf.dispose([x, scale, y, g]);
    },
  );
});

test('defaults follow snnTorch (slope 25, alpha 2) and SpyTorch (beta 100)', () => {
  expect(fastSigmoid().surrogate).toEqual({ kind: 'fast-sigmoid', slope: 25 });
  expect(arctan().surrogate).toEqual({ kind: 'arctan', alpha: 2 });
  expect(superSpike().surrogate).toEqual({ kind: 'super-spike', beta: 100 });
});

test('a non-positive parameter is E_CONFIG', () => {
  expect(() => fastSigmoid({ slope: 0 })).toThrow(/slope/);
  try {
    arctan({ alpha: -1 });
  } catch (error) {
    expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
  }
  expect.assertions(2);
});
