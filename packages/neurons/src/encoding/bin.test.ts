import { beforeAll, describe, expect, test } from '@jest/globals';
import { packEventBatch } from '@plasticity/core-tensors';
import { testBackends, useBackend } from '@plasticity/core-tensors/testing';
import { binEventBatch } from './bin.js';

const backends = await testBackends();

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test('binEventBatch marks each event’s step and crops events past the window', async () => {
    const batch = packEventBatch(
      [
        { times: Float32Array.of(0.2, 0.9, 2.5, 5.5), units: Int32Array.of(1, 1, 0, 1) },
        { times: Float32Array.of(1), units: Int32Array.of(0) },
      ],
      2,
      6,
    );
    const grid = binEventBatch(batch, 3, 1);
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
});
