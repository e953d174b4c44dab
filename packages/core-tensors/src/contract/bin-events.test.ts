import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { testBackends, useBackend } from '../testing/index.js';
import { binEvents, stepsFor } from './bin-events.js';
import { packEventBatch } from './events.js';

const backends = await testBackends();

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test('binary mode with crop marks each event’s step and drops events past the window', async () => {
    const batch = packEventBatch(
      [
        { times: Float32Array.of(0.2, 0.9, 2.5, 5.5), units: Int32Array.of(1, 1, 0, 1) },
        { times: Float32Array.of(1), units: Int32Array.of(0) },
      ],
      2,
      6,
    );
    const grid = binEvents(batch, { dt: 1, steps: 3, mode: 'binary', crop: true });
    // [T=3, B=2, C=2]: sample 0 spikes twice in step 0 on unit 1 (one mark), at 2.5 ms on unit 0; 5.5 ms is cropped.
    expect(await grid.array()).toEqual([
      [
        [0, 1],
        [0, 0],
      ],
      [
        [0, 0],
        [1, 0],
      ],
      [
        [1, 0],
        [0, 0],
      ],
    ]);
    grid.dispose();
  });

  test('binEvents counts spikes per step (or marks them), time-major', async () => {
    const batch = packEventBatch(
      [
        { times: Float32Array.from([0, 0.4, 0.5, 2.99]), units: Int32Array.from([1, 1, 0, 2]) },
        { times: Float32Array.from([1.5]), units: Int32Array.from([2]) },
      ],
      3,
      3,
    );
    const counts = binEvents(batch, { dt: 0.5 });
    expect(counts.shape).toEqual([6, 2, 3]);
    const grid = await counts.array();
    // Reference: step floor(t / dt) for each event.
    const expected = Array.from({ length: 6 }, () => [
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expected[0][0][1] = 2;
    expected[1][0][0] = 1;
    expected[5][0][2] = 1;
    expected[3][1][2] = 1;
    expect(grid).toEqual(expected);
    const binary = binEvents(batch, { dt: 0.5, mode: 'binary' });
    expected[0][0][1] = 1;
    expect(await binary.array()).toEqual(expected);
    expect(() => binEvents(batch, { dt: 0.5, steps: 5 })).toThrow(/raise steps/);
    expect(() => binEvents(batch, { dt: 0 })).toThrow(/dt must be/);
    expect(stepsFor(1400, 1)).toBe(1400);
    expect(stepsFor(3, 0.5)).toBe(6);
    tf.dispose([counts, binary]);
  });
});
