// The dense spiking layer on every backend: forward against the float64 reference, the fused
// scan against the per-step op loop, gradients against forward-mode float64 derivatives.
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
import { referenceLifExp, referenceLifExpTangent } from '../__fixtures__/reference.js';
import { lifExpParams } from '../models/params.js';
import { hasFusedScan } from '../scan/lif-exp-scan.js';
import { registerScanKernels } from '../scan/kernels.js';
import { fastSigmoid, surrogateDerivative } from '../surrogate.js';
import { denseSpiking } from './dense-spiking.js';

registerScanKernels();
const backends = await testBackends();
const [T, B, IN, UNITS] = [40, 3, 6, 5];

/** Column `j` (= b·units + n) of a `[T, width]` row-major array. */
function column(values: ArrayLike<number>, width: number, j: number): number[] {
  return Array.from({ length: values.length / width }, (_, t) => values[t * width + j]);
}

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });
  const rng = createRng(11);
  // Input spikes at ~20% of steps, weights strong enough that every neuron fires a few times.
  const xValues = Float32Array.from(rng.fork('x').uniformArray(T * B * IN, 0, 1), (u) => (u < 0.2 ? 1 : 0));
  const kernelValues = Float32Array.from(rng.fork('w').normalArray(IN * UNITS, 0.9, 0.6));

  test.each([0, 3])(
    'lifExp (refractory %s ms): fused and op loop match the float64 reference',
    async (refractory) => {
      const model = lifExpParams({ tauMem: 10, tauSyn: 4, threshold: 1, dt: 0.5, refractory });
      const layer = denseSpiking({ inputs: IN, units: UNITS, model });
      const x = tf.tensor3d(xValues, [T, B, IN]);
      const kernel = tf.tensor2d(kernelValues, [IN, UNITS]);
      const drive = tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(x, [T * B, IN]), kernel), [T, B * UNITS]));
      const driveValues = await drive.data();
      let spikeTotal = 0;
      for (const fused of [true, false]) {
        const out = layer.run({ kernel }, x, fastSigmoid(), { record: true, fused });
        const [spikes, v] = [await out.spikes.data(), await out.v!.data()];
        for (let j = 0; j < B * UNITS; j++) {
          const ref = referenceLifExp(column(driveValues, B * UNITS, j), model);
          expect(column(spikes, B * UNITS, j)).toEqual(ref.spikes);
          assertClose(
            column(v, B * UNITS, j),
            ref.v,
            tolerance(backend),
            `${backend} fused=${fused} v[${j}]`,
          );
          spikeTotal += ref.spikes.reduce((a, s) => a + s, 0);
        }
        tf.dispose([out.spikes, out.v!]);
      }
      expect(spikeTotal).toBeGreaterThan(2 * B * UNITS); // the test exercises resets
      tf.dispose([x, kernel, drive]);
    },
  );

  test.each([0, 1])(
    'lifExp gradient (refractory %s ms): fused, op loop and float64 forward-mode agree',
    async (refractory) => {
      const model = lifExpParams({ tauMem: 10, tauSyn: 4, threshold: 1, dt: 0.5, refractory });
      const layer = denseSpiking({ inputs: IN, units: UNITS, model });
      const spikeFn = fastSigmoid({ slope: 5 });
      const x = tf.tensor3d(xValues, [T, B, IN]);
      const kernel = tf.variable(tf.tensor2d(kernelValues, [IN, UNITS]));
      // Loss = Σ a·spikes + Σ c·v with random a, c, so both output gradients are exercised.
      const a = tf.tensor3d(rng.fork('a').normalArray(T * B * UNITS, 0, 1), [T, B, UNITS]);
      const c = tf.tensor3d(rng.fork('c').normalArray(T * B * UNITS, 0, 1), [T, B, UNITS]);
      const lossOf = (fused: boolean) => () => {
        const out = layer.run({ kernel }, x, spikeFn, { record: true, fused });
        return tf.add(tf.sum(tf.mul(out.spikes, a)), tf.sum(tf.mul(out.v!, c))) as tf.Scalar;
      };
      const gradients: Float32Array[] = [];
      for (const fused of [true, false]) {
        const { value, grads } = tf.variableGrads(lossOf(fused), [kernel]);
        gradients.push((await grads[kernel.name].data()) as Float32Array);
        tf.dispose([value, grads[kernel.name]]);
      }
      assertClose(
        gradients[0],
        gradients[1],
        { rtol: 1e-4, atol: 1e-4 },
        `${backend} fused vs op-loop gradient`,
      );

      // Directional derivative along a random kernel direction D, in float64 forward mode: the
      // drive's tangent is x·D, propagated through the scan.
      const direction = rng.fork('d').normalArray(IN * UNITS, 0, 1);
      const drive = tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(x, [T * B, IN]), kernel), [T, B * UNITS]));
      const driveValues = await drive.data();
      const [aValues, cValues] = [await a.data(), await c.data()];
      let expected = 0;
      for (let b = 0; b < B; b++) {
        for (let n = 0; n < UNITS; n++) {
          const j = b * UNITS + n;
          const dDrive = Array.from({ length: T }, (_, t) => {
            let acc = 0;
            for (let i = 0; i < IN; i++) acc += xValues[(t * B + b) * IN + i] * direction[i * UNITS + n];
            return acc;
          });
          const tangent = referenceLifExpTangent(column(driveValues, B * UNITS, j), dDrive, model, (u) =>
            surrogateDerivative(spikeFn.surrogate, u),
          );
          for (let t = 0; t < T; t++) {
            expected +=
              aValues[t * B * UNITS + j] * tangent.dSpikes[t] + cValues[t * B * UNITS + j] * tangent.dv[t];
          }
        }
      }
      const actual = gradients[0].reduce((acc, g, k) => acc + g * direction[k], 0);
      expect(Math.abs(expected)).toBeGreaterThan(1);
      expect(Math.abs(actual - expected)).toBeLessThan(1e-3 * Math.abs(expected));
      tf.dispose([x, kernel, a, c, drive]);
    },
  );

  test('recurrent lifExp layer matches a float64 recurrent reference', async () => {
    const model = lifExpParams({ tauMem: 10, tauSyn: 4, dt: 0.5 });
    const layer = denseSpiking({ inputs: IN, units: UNITS, model, recurrent: true });
    const recurrentValues = Float32Array.from(rng.fork('r').normalArray(UNITS * UNITS, 0, 0.8));
    const kernel = tf.tensor2d(kernelValues, [IN, UNITS]);
    const recurrent = tf.tensor2d(recurrentValues, [UNITS, UNITS]);
    const x = tf.tensor3d(xValues, [T, B, IN]);
    const out = layer.run({ kernel, recurrent }, x, fastSigmoid(), { record: true });
    const [spikes, v] = [await out.spikes.data(), await out.v!.data()];
    const em = Math.exp(-0.5 / 10);
    const es = Math.exp(-0.5 / 4);
    const k = (4 / (10 - 4)) * (em - es);
    for (let b = 0; b < B; b++) {
      const vs = new Float64Array(UNITS);
      const is = new Float64Array(UNITS);
      let last = new Float64Array(UNITS);
      for (let t = 0; t < T; t++) {
        const now = new Float64Array(UNITS);
        for (let n = 0; n < UNITS; n++) {
          let drive = 0;
          for (let i = 0; i < IN; i++) drive += xValues[(t * B + b) * IN + i] * kernelValues[i * UNITS + n];
          for (let m = 0; m < UNITS; m++) drive += last[m] * recurrentValues[m * UNITS + n];
          vs[n] = vs[n] * em + is[n] * k;
          is[n] = is[n] * es + drive;
          const at = (t * B + b) * UNITS + n;
          expect(Math.abs(v[at] - vs[n])).toBeLessThan(1e-4 + 1e-4 * Math.abs(vs[n]));
          now[n] = vs[n] >= 1 ? 1 : 0;
          expect(spikes[at]).toBe(now[n]);
          if (now[n]) vs[n] = 0;
        }
        last = now;
      }
    }
    tf.dispose([kernel, recurrent, x, out.spikes, out.v!]);
  });

  test('the fused kernel exists exactly on cpu, wasm and webgpu', () => {
    expect(hasFusedScan()).toBe(backend === 'cpu' || backend === 'wasm' || backend === 'webgpu');
  });

  test('bad shapes and configs are E_SHAPE / E_CONFIG', () => {
    const layer = denseSpiking({ inputs: IN, units: UNITS, model: lifExpParams() });
    const x = tf.zeros([T, B, IN + 1]) as tf.Tensor3D;
    const kernel = tf.zeros([IN, UNITS]);
    expect(() => layer.run({ kernel }, x, fastSigmoid())).toThrow(/input must have shape \[\?, \?, 6\]/);
    expect(() => denseSpiking({ inputs: 0, units: 2, model: lifExpParams() })).toThrow(/inputs/);
    expect(() =>
      denseSpiking({ inputs: 2, units: 2, model: lifExpParams(), recurrent: true }).run(
        { kernel: tf.zeros([2, 2]) },
        tf.zeros([3, 1, 2]) as tf.Tensor3D,
        fastSigmoid(),
      ),
    ).toThrow(/recurrent weights/);
    tf.dispose([x, kernel]);
  });

  test('no tensor leaks over many runs with gradients', async () => {
    const layer = denseSpiking({ inputs: IN, units: UNITS, model: lifExpParams(), recurrent: true });
    const kernel = tf.variable(tf.tensor2d(kernelValues, [IN, UNITS]));
    const recurrent = tf.variable(tf.zeros([UNITS, UNITS]));
    const x = tf.tensor3d(xValues, [T, B, IN]);
    await expectNoLeaks(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(layer.run({ kernel, recurrent }, x, fastSigmoid(), { record: true }).v!) as tf.Scalar,
        [kernel, recurrent],
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    tf.dispose([kernel, recurrent, x]);
  });
});
