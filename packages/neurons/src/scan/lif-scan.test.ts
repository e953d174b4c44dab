// The fused lif scan on every backend that has it: forward against a float64 reference loop and
// the per-step op loop (`lifStep`), gradients against the op loop's autodiff and a float64
// forward-mode derivative, and a held one-step input against the same input repeated.
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@plasticity/core-tensors';
import { assertClose, expectNoLeaks, testBackends, useBackend } from '@plasticity/core-tensors/testing';
import { lifStep } from '../models/lif.js';
import { lifParams } from '../models/params.js';
import type { LifParams } from '../models/params.js';
import { initialState } from '../models/state.js';
import { arctan, surrogateDerivative } from '../surrogate.js';
import type { SpikeFunction } from '../surrogate.js';
import { LIF_SCAN_BACKENDS, registerScanKernels } from './kernels.js';
import { hasFusedLifScan, lifScan } from './lif-scan.js';

registerScanKernels();
const backends = (await testBackends()).filter((b) => (LIF_SCAN_BACKENDS as readonly string[]).includes(b));
const [T, WIDTH] = [30, 12];
const RESETS = ['subtract', 'zero'] as const;

/** float64 lif over one neuron's currents; the tangent `dv` along `dCurrents` (reset detached). */
function referenceLif(currents: number[], dCurrents: number[], p: LifParams, slope: (u: number) => number) {
  const beta = Math.exp(-p.dt / p.tauMem);
  let [v, s, dv] = [0, 0, 0];
  const out = { v: [] as number[], spikes: [] as number[], dv: [] as number[], dSpikes: [] as number[] };
  for (let t = 0; t < currents.length; t++) {
    const kept = p.reset === 'subtract' ? v * beta - s * p.threshold : v * beta * (1 - s);
    dv = (p.reset === 'subtract' ? dv * beta : dv * beta * (1 - s)) + dCurrents[t];
    v = kept + currents[t];
    s = v >= p.threshold ? 1 : 0;
    out.v.push(v);
    out.spikes.push(s);
    out.dv.push(dv);
    out.dSpikes.push(slope(v - p.threshold) * dv);
  }
  return out;
}

/** The per-step op loop over `currents [T, B, units]`. */
function opLoop(currents: tf.Tensor3D, p: LifParams, spikeFn: SpikeFunction) {
  return tf.tidy(() => {
    let state = initialState(p, currents.shape[1], currents.shape[2]);
    const spikes: tf.Tensor[] = [];
    const v: tf.Tensor[] = [];
    for (const input of tf.unstack(currents)) {
      const out = lifStep(p, input, state, spikeFn);
      state = out.state;
      spikes.push(out.spikes);
      v.push(out.v);
    }
    return { spikes: tf.stack(spikes) as tf.Tensor3D, v: tf.stack(v) as tf.Tensor3D };
  });
}

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });
  const rng = createRng(5);
  const currentValues = Float32Array.from(rng.fork('i').normalArray(T * WIDTH, 0.35, 0.6));
  const aValues = Float32Array.from(rng.fork('a').normalArray(T * WIDTH, 0, 1));
  const cValues = Float32Array.from(rng.fork('c').normalArray(T * WIDTH, 0, 1));
  const direction = rng.fork('d').normalArray(T * WIDTH, 0, 1);
  const spikeFn = arctan({ alpha: 2 });
  const column = (values: ArrayLike<number>, j: number) =>
    Array.from({ length: T }, (_, t) => values[t * WIDTH + j]);

  test.each(RESETS)('reset %s: fused scan, op loop and float64 agree forward', async (reset) => {
    const p = lifParams({ tauMem: 8, threshold: 1, reset, dt: 1 });
    expect(hasFusedLifScan(p)).toBe(true);
    const currents = tf.tensor3d(currentValues, [T, 1, WIDTH]);
    const fused = lifScan(currents, p, spikeFn.surrogate);
    const loop = opLoop(currents, p, spikeFn);
    const [fs, fv, ls, lv] = await Promise.all(
      [fused.spikes, fused.v, loop.spikes, loop.v].map((t) => t.data()),
    );
    expect(Array.from(fs)).toEqual(Array.from(ls));
    expect(Array.from(fv)).toEqual(Array.from(lv)); // same float32 operations in the same order
    let spikes = 0;
    for (let j = 0; j < WIDTH; j++) {
      const ref = referenceLif(column(currentValues, j), new Array(T).fill(0), p, () => 0);
      expect(column(fs, j)).toEqual(ref.spikes);
      assertClose(column(fv, j), ref.v, { rtol: 1e-5, atol: 1e-5 }, `v[${j}]`);
      spikes += ref.spikes.reduce((a, b) => a + b, 0);
    }
    expect(spikes).toBeGreaterThan(3 * WIDTH); // resets are exercised
    tf.dispose([currents, fused, loop]);
  });

  test.each(RESETS)('reset %s: gradients match the op loop and float64 forward mode', async (reset) => {
    const p = lifParams({ tauMem: 8, threshold: 1, reset, dt: 1 });
    const currents = tf.tensor3d(currentValues, [T, 1, WIDTH]);
    const [a, c] = [tf.tensor3d(aValues, [T, 1, WIDTH]), tf.tensor3d(cValues, [T, 1, WIDTH])];
    const lossOf = (run: (x: tf.Tensor3D) => { spikes: tf.Tensor; v: tf.Tensor }) => (x: tf.Tensor) => {
      const out = run(x as tf.Tensor3D);
      return tf.add(tf.sum(tf.mul(out.spikes, a)), tf.sum(tf.mul(out.v, c))) as tf.Scalar;
    };
    const fused = tf.grad(lossOf((x) => lifScan(x, p, spikeFn.surrogate)))(currents);
    const loop = tf.grad(lossOf((x) => opLoop(x, p, spikeFn)))(currents);
    const [gf, gl] = [await fused.data(), await loop.data()];
    assertClose(gf, gl, { rtol: 1e-5, atol: 1e-5 }, `${backend} fused vs op-loop gradient`);
    let expected = 0;
    for (let j = 0; j < WIDTH; j++) {
      const ref = referenceLif(column(currentValues, j), column(direction, j), p, (u) =>
        surrogateDerivative(spikeFn.surrogate, u),
      );
      for (let t = 0; t < T; t++) {
        expected += aValues[t * WIDTH + j] * ref.dSpikes[t] + cValues[t * WIDTH + j] * ref.dv[t];
      }
    }
    const actual = Array.from(gf).reduce((acc, g, k) => acc + g * direction[k], 0);
    expect(Math.abs(expected)).toBeGreaterThan(1);
    expect(Math.abs(actual - expected)).toBeLessThan(1e-4 * Math.abs(expected));
    tf.dispose([currents, a, c, fused, loop]);
  });

  test('a held one-step input equals the input repeated at every step, with its gradient summed', async () => {
    const p = lifParams({ tauMem: 20, threshold: 1 });
    const row = tf.tensor3d(currentValues.slice(0, WIDTH), [1, 1, WIDTH]);
    const repeated = tf.tile(row, [T, 1, 1]) as tf.Tensor3D;
    const c = tf.tensor3d(cValues, [T, 1, WIDTH]);
    const held = lifScan(row, p, spikeFn.surrogate, T);
    const full = lifScan(repeated, p, spikeFn.surrogate);
    expect(held.v.shape).toEqual([T, 1, WIDTH]);
    expect(Array.from(await held.v.data())).toEqual(Array.from(await full.v.data()));
    expect(Array.from(await held.spikes.data())).toEqual(Array.from(await full.spikes.data()));
    const loss = (x: tf.Tensor) => tf.sum(tf.mul(lifScan(x as tf.Tensor3D, p, spikeFn.surrogate, T).v, c));
    const gHeld = tf.grad(loss)(row);
    const gFull = tf.grad(loss)(repeated);
    expect(gHeld.shape).toEqual([1, 1, WIDTH]);
    assertClose(
      await gHeld.data(),
      await tf.sum(gFull, 0).data(),
      { rtol: 1e-5, atol: 1e-5 },
      'held gradient',
    );
    tf.dispose([row, repeated, c, held, full, gHeld, gFull]);
  });

  test('no tensor leaks over many runs with gradients', async () => {
    const p = lifParams();
    const currents = tf.tensor3d(currentValues, [T, 1, WIDTH]);
    await expectNoLeaks(() => {
      const g = tf.grad((x: tf.Tensor) => tf.sum(lifScan(x as tf.Tensor3D, p, spikeFn.surrogate).v))(
        currents,
      );
      g.dispose();
    });
    currents.dispose();
  });

  test('a refractory period is left to the op loop; a bad step count is refused', () => {
    expect(hasFusedLifScan(lifParams({ refractory: 2 }))).toBe(false);
    const currents = tf.zeros([3, 1, 2]) as tf.Tensor3D;
    expect(() => lifScan(currents, lifParams(), spikeFn.surrogate, 5)).toThrow(/3 steps cannot be run for 5/);
    currents.dispose();
  });
});
