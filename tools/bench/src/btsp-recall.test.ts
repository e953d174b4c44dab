import { describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@plasticity/core-tensors';
import { benchmarkBtspRecall } from './btsp-recall.js';

describe('benchmarkBtspRecall', () => {
  test('popcount, float row sums and the tfjs matmul give the same outputs; rates are positive; no tensor leaks', async () => {
    await initBackend('cpu');
    const before = tf.memory().numTensors;
    const result = await benchmarkBtspRecall({
      inputs: 400,
      outputs: 100,
      density: 0.05,
      plateauProbability: 0.05,
      connectivity: 0.6,
      threshold: 5,
      items: 300,
      batch: 16,
      seconds: 0,
      minRounds: 2,
    });
    expect(result.agree).toBe(true);
    for (const rate of [
      result.storeItemsPerSecond,
      result.popcountCuesPerSecond,
      result.floatRowsCuesPerSecond,
      result.matmulCuesPerSecond,
    ]) {
      expect(rate).toBeGreaterThan(0);
    }
    // 400 rows of 4 words, weights and mask; 400 × 100 float32
    expect(result.packedBytes).toBe(2 * 400 * 4 * 4);
    expect(result.floatBytes).toBe(400 * 100 * 4);
    expect(tf.memory().numTensors).toBe(before);
  });
});
