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
import { expWeightedMeanVoltage, firstSpikeTime, maxVoltage, spikeCount } from './readouts.js';

const backends = await testBackends();
const [T, B, N] = [25, 3, 4];

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });
  const rng = createRng(9);
  const vValues = rng.fork('v').normalArray(T * B * N, 0, 1);
  const spikeValues = Float32Array.from(rng.fork('s').uniformArray(T * B * N, 0, 1), (u) =>
    u < 0.05 ? 1 : 0,
  );
  const at = (values: ArrayLike<number>, t: number, j: number) => values[t * B * N + j];

  test('maxVoltage and its gradient (1 at the argmax)', async () => {
    const v = tf.tensor3d(vValues, [T, B, N]);
    const got = maxVoltage(v);
    const expected = Array.from({ length: B * N }, (_, j) =>
      Math.max(...Array.from({ length: T }, (_, t) => at(vValues, t, j))),
    );
    assertClose(await got.data(), expected, tolerance(backend), 'max');
    const g = tf.grad((x: tf.Tensor) => tf.sum(maxVoltage(x as tf.Tensor3D)))(v);
    expect(Array.from(await g.data()).reduce((a, x) => a + x, 0)).toBeCloseTo(B * N, 5);
    tf.dispose([v, got, g]);
  });

  test('spikeCount and firstSpikeTime', async () => {
    const s = tf.tensor3d(spikeValues, [T, B, N]);
    const counts = spikeCount(s);
    const first = firstSpikeTime(s, 0.5);
    const firstFinite = firstSpikeTime(s, 0.5, 99);
    const expectedCounts = Array.from({ length: B * N }, (_, j) =>
      Array.from({ length: T }, (_, t) => at(spikeValues, t, j)).reduce((a, x) => a + x, 0),
    );
    const expectedFirst = Array.from({ length: B * N }, (_, j) => {
      for (let t = 0; t < T; t++) if (at(spikeValues, t, j)) return t * 0.5;
      return Infinity;
    });
    expect(expectedFirst).toContain(Infinity); // the test covers silent neurons
    expect(Array.from(await counts.data())).toEqual(expectedCounts);
    expect(Array.from(await first.data())).toEqual(expectedFirst);
    expect(Array.from(await firstFinite.data())).toEqual(expectedFirst.map((t) => (t === Infinity ? 99 : t)));
    tf.dispose([s, counts, first, firstFinite]);
  });

  test('expWeightedMeanVoltage is (1/T)·Σ e^(−t/T)·V·dt', async () => {
    const v = tf.tensor3d(vValues, [T, B, N]);
    const got = expWeightedMeanVoltage(v, 2, 50);
    const expected = Array.from({ length: B * N }, (_, j) => {
      let acc = 0;
      for (let t = 0; t < T; t++) acc += Math.exp(-(t * 2) / 50) * at(vValues, t, j) * 2;
      return acc / 50;
    });
    assertClose(await got.data(), expected, tolerance(backend), 'exp-weighted mean');
    expect(() => expWeightedMeanVoltage(v, 0, 50)).toThrow(/dt/);
    tf.dispose([v, got]);
  });

  test('readouts leak nothing', async () => {
    const v = tf.tensor3d(vValues, [T, B, N]);
    await expectNoLeaks(() =>
      tf.dispose([maxVoltage(v), spikeCount(v), firstSpikeTime(v, 1), expWeightedMeanVoltage(v, 1, T)]),
    );
    v.dispose();
  });
});
