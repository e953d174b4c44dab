import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@plasticity/core-tensors';
import {
  assertClose,
  expectNoLeaks,
  testBackends,
  tolerance,
  useBackend,
} from '@plasticity/core-tensors/testing';
import { referenceLifExp } from '../__fixtures__/reference.js';
import { leakyIntegratorParams } from '../models/params.js';
import { leakyIntegrator } from './leaky-integrator.js';

const backends = await testBackends();
const [T, B, IN, UNITS] = [30, 2, 4, 3];

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });
  const rng = createRng(3);
  const xValues = Float32Array.from(rng.fork('x').uniformArray(T * B * IN, 0, 1), (u) => (u < 0.3 ? 1 : 0));
  const kernelValues = Float32Array.from(rng.fork('w').normalArray(IN * UNITS, 0, 1));

  test('matches the float64 lifExp reference without threshold', async () => {
    const model = leakyIntegratorParams({ tauMem: 8, tauSyn: 2, dt: 0.5 });
    const layer = leakyIntegrator({ inputs: IN, units: UNITS, model });
    const x = tf.tensor3d(xValues, [T, B, IN]);
    const kernel = tf.tensor2d(kernelValues, [IN, UNITS]);
    for (const fused of [true, false]) {
      const { v } = layer.run({ kernel }, x, { fused });
      const values = await v.data();
      for (let b = 0; b < B; b++) {
        for (let n = 0; n < UNITS; n++) {
          const drive = Array.from({ length: T }, (_, t) => {
            let acc = 0;
            for (let i = 0; i < IN; i++) acc += xValues[(t * B + b) * IN + i] * kernelValues[i * UNITS + n];
            return acc;
          });
          const ref = referenceLifExp(drive, { tauMem: 8, tauSyn: 2, threshold: Infinity, dt: 0.5 });
          const got = Array.from({ length: T }, (_, t) => values[(t * B + b) * UNITS + n]);
          assertClose(got, ref.v, tolerance(backend), `${backend} fused=${fused} readout v[${b},${n}]`);
        }
      }
      v.dispose();
    }
    expect(layer.weightShapes.kernel).toEqual([IN, UNITS]);
    tf.dispose([x, kernel]);
  });

  test('fused and op-loop gradients agree', async () => {
    const layer = leakyIntegrator({ inputs: IN, units: UNITS });
    const kernel = tf.variable(tf.tensor2d(kernelValues, [IN, UNITS]));
    const x = tf.tensor3d(xValues, [T, B, IN]);
    const weighting = tf.tensor3d(rng.fork('c').normalArray(T * B * UNITS, 0, 1), [T, B, UNITS]);
    const gradients: Float32Array[] = [];
    for (const fused of [true, false]) {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(layer.run({ kernel }, x, { fused }).v, weighting)) as tf.Scalar,
        [kernel],
      );
      gradients.push((await grads[kernel.name].data()) as Float32Array);
      tf.dispose([value, grads[kernel.name]]);
    }
    expect(gradients[1].some((g) => Math.abs(g) > 0.1)).toBe(true);
    assertClose(gradients[0], gradients[1], { rtol: 1e-4, atol: 1e-5 }, `${backend} readout gradient`);
    tf.dispose([kernel, x, weighting]);
  });

  test('no leaks with gradients', async () => {
    const layer = leakyIntegrator({ inputs: IN, units: UNITS });
    const kernel = tf.variable(tf.tensor2d(kernelValues, [IN, UNITS]));
    const x = tf.tensor3d(xValues, [T, B, IN]);
    await expectNoLeaks(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.max(layer.run({ kernel }, x).v, 0)) as tf.Scalar,
        [kernel],
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    tf.dispose([kernel, x]);
  });
});
