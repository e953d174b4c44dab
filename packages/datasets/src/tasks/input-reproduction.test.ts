import { beforeAll, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '../testing/tf-backend.js';
import { loadDataset } from '../registry/fetch-sources.js';
import { inputReproduction } from './input-reproduction.js';
import { sequenceSplit } from './sequence-split.js';

beforeAll(async () => {
  await useCpuBackend();
});

test('series are seeded, smooth and peak at ±1 in every channel', () => {
  const { values, steps } = inputReproduction({ series: 20, seed: 4 });
  expect(steps).toBe(100);
  expect(inputReproduction({ series: 20, seed: 4 }).values).toEqual(values);
  expect(inputReproduction({ series: 20, seed: 5 }).values).not.toEqual(values);
  for (let s = 0; s < 20; s++) {
    for (let c = 0; c < 2; c++) {
      const column = Array.from({ length: steps }, (_, t) => values[(s * steps + t) * 2 + c]);
      expect(Math.max(...column.map(Math.abs))).toBeCloseTo(1, 6);
      // 12 Hz at most, sampled every 2 ms, components summed with amplitude ≤ 1.5: a step moves < 0.5.
      const jumps = column.slice(1).map((v, t) => Math.abs(v - column[t]));
      expect(Math.max(...jumps)).toBeLessThan(0.5);
    }
  }
});

test('loadDataset: a regression whose target rows are the input series, time-major', async () => {
  const ds = await loadDataset('input-reproduction');
  expect(ds.task).toEqual({
    input: { kind: 'spikes', steps: 100, channels: 2, dt: 2 },
    outputs: 200,
    kind: 'regression',
  });
  const before = tf.memory().numTensors;
  for await (const batch of ds.train.batches({ batchSize: 8, seed: 3 })) {
    const x = batch.x as tf.Tensor;
    expect(x.shape).toEqual([100, 8, 2]);
    expect(batch.y.shape).toEqual([8, 200]);
    expect(batch.y.dtype).toBe('float32');
    // y[b] is x[:, b, :] flattened time-major.
    const fromX = tf.tidy(() => tf.reshape(tf.transpose(x, [1, 0, 2]), [8, 200]));
    expect(await fromX.data()).toEqual(await batch.y.data());
    fromX.dispose();
    break;
  }
  expect(tf.memory().numTensors).toBe(before);
});

test('sequenceSplit: shape errors name the counts; keepLast false drops the short batch', async () => {
  expect(() => sequenceSplit(new Float32Array(10), 3, 2, Int32Array.of(0, 1))).toThrow(
    /10 values do not make 2 series of 3 steps × 2 channels/,
  );
  const split = sequenceSplit(new Float32Array(5 * 6), 3, 2, Int32Array.of(0, 1, 0, 1, 0));
  let batches = 0;
  for await (const batch of split.batches({ batchSize: 2, keepLast: false })) {
    expect(batch.size).toBe(2);
    batches++;
  }
  expect(batches).toBe(2);
});
