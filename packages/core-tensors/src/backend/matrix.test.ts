// The backend matrix: the same op, gradient, initialiser and leak checks on every backend
// testBackends() reports, each against a float64 reference computed in plain JavaScript.
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import '../gradients.js';
import { mlpLoss, mlpNumericGradient } from '../__fixtures__/mlp-reference.js';
import type { MlpParams } from '../__fixtures__/mlp-reference.js';
import { createRng } from '../rng/rng.js';
import { glorotUniform, normalTensor } from '../rng/tensors.js';
import { assertClose, expectNoLeaks, testBackends, tolerance, useBackend } from '../testing/index.js';
import type { Tolerance } from '../testing/index.js';
import type { ConcreteBackendName } from './types.js';

const backends = await testBackends();
const shape = { inputs: 5, hidden: 7, classes: 3 };
const batch = 6;

/** Worst |a − e| / (atol + rtol·|e|) for a tolerance: below 1 passes (reported on request). */
function usedFraction(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance): number {
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    worst = Math.max(
      worst,
      Math.abs(actual[i] - expected[i]) / (tol.atol + tol.rtol * Math.abs(expected[i])),
    );
  }
  return worst;
}
const measured: Record<string, number> = {};
function check(
  label: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  backend: ConcreteBackendName,
): void {
  // Measured against cpu's tolerance, to compare backends on one scale.
  measured[`${backend} ${label}`] = usedFraction(actual, expected, tolerance('cpu'));
  assertClose(actual, expected, tolerance(backend), `${backend} ${label}`);
}

test('the matrix covers cpu and wasm at least', () => {
  expect(backends).toEqual(expect.arrayContaining(['cpu', 'wasm']));
});

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test('elementwise ops and reductions match float64', async () => {
    const values = Array.from(createRng(1).normalArray(64, 0, 2));
    const x = tf.tensor1d(values);
    const cases: [string, (t: tf.Tensor) => tf.Tensor, (v: number) => number][] = [
      ['tanh', tf.tanh, Math.tanh],
      ['exp', tf.exp, Math.exp],
      ['sigmoid', tf.sigmoid, (v) => 1 / (1 + Math.exp(-v))],
      ['relu', tf.relu, (v) => Math.max(0, v)],
      ['square', tf.square, (v) => v * v],
      ['log(1+x²)', (t) => tf.log1p(tf.square(t)), (v) => Math.log1p(v * v)],
    ];
    for (const [name, op, reference] of cases) {
      const y = op(x);
      check(name, await y.data(), values.map(reference), backend);
      y.dispose();
    }
    const sum = tf.sum(x);
    check('sum', await sum.data(), [values.reduce((a, b) => a + b, 0)], backend);
    tf.dispose([x, sum]);
  });

  test('matMul and logSoftmax match float64', async () => {
    const rng = createRng(2);
    const a = Array.from(rng.normalArray(6 * 9));
    const b = Array.from(rng.normalArray(9 * 4));
    const expected: number[] = [];
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 4; j++) {
        let s = 0;
        for (let k = 0; k < 9; k++) s += a[i * 9 + k] * b[k * 4 + j];
        expected.push(s);
      }
    }
    const product = tf.matMul(tf.tensor2d(a, [6, 9]), tf.tensor2d(b, [9, 4]));
    check('matMul', await product.data(), expected, backend);
    const logits = tf.logSoftmax(product);
    const expectedLog = expected.map((_, idx) => {
      const row = expected.slice(Math.floor(idx / 4) * 4, Math.floor(idx / 4) * 4 + 4);
      const max = Math.max(...row);
      return expected[idx] - max - Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    });
    check('logSoftmax', await logits.data(), expectedLog, backend);
    tf.dispose([product, logits]);
  });

  test('an MLP loss and its autodiff gradients match finite differences of a float64 reference', async () => {
    const rng = createRng(3);
    const params: MlpParams = {
      w1: Float64Array.from(rng.normalArray(shape.inputs * shape.hidden, 0, 0.7)),
      b1: Float64Array.from(rng.normalArray(shape.hidden, 0, 0.1)),
      w2: Float64Array.from(rng.normalArray(shape.hidden * shape.classes, 0, 0.7)),
      b2: Float64Array.from(rng.normalArray(shape.classes, 0, 0.1)),
    };
    // float32 copies: the reference sees exactly the numbers the backend sees.
    for (const key of Object.keys(params) as (keyof MlpParams)[])
      params[key] = Float64Array.from(Float32Array.from(params[key]));
    const x = Float64Array.from(rng.normalArray(batch * shape.inputs));
    const y = Int32Array.from({ length: batch }, () => rng.int(shape.classes));

    const vars = {
      w1: tf.variable(tf.tensor2d(Float32Array.from(params.w1), [shape.inputs, shape.hidden])),
      b1: tf.variable(tf.tensor1d(Float32Array.from(params.b1))),
      w2: tf.variable(tf.tensor2d(Float32Array.from(params.w2), [shape.hidden, shape.classes])),
      b2: tf.variable(tf.tensor1d(Float32Array.from(params.b2))),
    };
    const xs = tf.tensor2d(Float32Array.from(x), [batch, shape.inputs]);
    const labels = tf.oneHot(tf.tensor1d(y, 'int32'), shape.classes);
    const { value, grads } = tf.variableGrads(() => {
      const hidden = tf.tanh(tf.add(tf.matMul(xs, vars.w1), vars.b1));
      const scores = tf.add(tf.matMul(hidden, vars.w2), vars.b2);
      return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(scores)), 1))) as tf.Scalar;
    });
    check('MLP loss', await value.data(), [mlpLoss(params, x, y, shape)], backend);
    const numeric = mlpNumericGradient(params, x, y, shape);
    for (const key of ['w1', 'b1', 'w2', 'b2'] as const) {
      check(`d loss / d ${key}`, await grads[vars[key].name].data(), numeric[key], backend);
    }
    tf.dispose([value, ...Object.values(grads), ...Object.values(vars), xs, labels]);
  });

  test('seeded initialisers give the same numbers on every backend', async () => {
    const w = glorotUniform(createRng(4).fork('w'), [5, 3]);
    const n = normalTensor(createRng(4).fork('n'), [7], 1, 2);
    // Drawn on the host and uploaded: bit-identical to the host arrays everywhere.
    const limit = Math.sqrt(6 / 8);
    expect(Array.from(await w.data())).toEqual(
      Array.from(createRng(4).fork('w').uniformArray(15, -limit, limit)),
    );
    expect(Array.from(await n.data())).toEqual(Array.from(createRng(4).fork('n').normalArray(7, 1, 2)));
    tf.dispose([w, n]);
  });

  test('a training step of the MLP leaks no tensors', async () => {
    const rng = createRng(5);
    const w = tf.variable(glorotUniform(rng, [shape.inputs, shape.classes]));
    const x = tf.tensor2d(rng.normalArray(batch * shape.inputs), [batch, shape.inputs]);
    const labels = tf.oneHot(
      tf.tensor1d(
        Int32Array.from({ length: batch }, () => rng.int(shape.classes)),
        'int32',
      ),
      3,
    );
    const optimizer = tf.train.sgd(0.1);
    await expectNoLeaks(
      async () => {
        const loss = optimizer.minimize(
          () => tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(tf.matMul(x, w))), 1))) as tf.Scalar,
          true,
        );
        await loss?.data();
        loss?.dispose();
      },
      { repeats: 10 },
    );
    optimizer.dispose();
    tf.dispose([w, x, labels]);
  });
});

test('report measured errors (PLASTICITY_MEASURE_TOLERANCE=1)', () => {
  if (process.env.PLASTICITY_MEASURE_TOLERANCE) console.log(JSON.stringify(measured, null, 1));
  expect(Object.keys(measured).length).toBeGreaterThan(0);
});
