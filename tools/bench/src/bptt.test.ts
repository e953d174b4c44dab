import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { testBackends, useBackend } from '@plasticity/core-tensors/testing';
import { benchmarkBptt } from './bptt.js';

const backends = await testBackends();

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test('reports throughput and a step memory that grows with T, leaving no tensors', async () => {
    const start = tf.memory().numTensors;
    const run = (steps: number) =>
      benchmarkBptt({ inputs: 10, hidden: [12], outputs: 3, steps, batchSize: 4, seconds: 0, minSteps: 2 });
    const short = await run(10);
    const long = await run(40);
    expect(short).toMatchObject({ steps: 10, batchSize: 4, trainSteps: 2 });
    expect(short.samplesPerSecond).toBeGreaterThan(0);
    expect(short.peakBytes).toBeGreaterThan(short.peakStepBytes);
    // BPTT keeps every step's state for the backward pass: 4× the steps, well over 2× the memory.
    expect(long.peakStepBytes).toBeGreaterThan(2 * short.peakStepBytes);
    expect(tf.memory().numTensors).toBe(start);
  });
});
