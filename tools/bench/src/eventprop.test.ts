import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { testBackends, useBackend } from '@plasticity/core-tensors/testing';
import { benchmarkEventProp } from './eventprop.js';

const backends = await testBackends();

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test('Poisson input: stored bytes follow the spikes, and no tensors are left', async () => {
    const start = tf.memory().numTensors;
    const run = (duration: number) =>
      benchmarkEventProp({
        inputs: 20,
        hidden: [{ size: 12, recurrent: true }],
        outputs: 3,
        loss: 'exp-mean-voltage',
        duration,
        batchSize: 4,
        input: { kind: 'poisson', rate: 50 },
        seconds: 0,
        minSteps: 2,
      });
    const short = await run(20);
    const long = await run(80);
    expect(short).toMatchObject({ duration: 20, batchSize: 4, trainSteps: 2 });
    expect(short.samplesPerSecond).toBeGreaterThan(0);
    expect(short.peakBytes).toBeGreaterThan(0);
    // 20 channels × 50 Hz × 20 ms = 20 input spikes expected per sample.
    expect(short.inputSpikes).toBeGreaterThan(10);
    expect(short.inputSpikes).toBeLessThan(30);
    expect(long.inputSpikes / short.inputSpikes).toBeGreaterThan(2.5);
    // The stored bytes are a fixed amount per hidden spike, whatever the window's length.
    expect(short.networkSpikes).toBeGreaterThan(0);
    expect(long.networkSpikes).toBeGreaterThan(2 * short.networkSpikes);
    const perSpike = (r: typeof short) => r.storedBytesPerBatch / (r.networkSpikes * r.batchSize);
    expect(perSpike(short)).toBeGreaterThanOrEqual(12);
    expect(perSpike(long)).toBeCloseTo(perSpike(short), 9);
    expect(long.storedBytesPerSample).toBeGreaterThanOrEqual(long.storedBytesPerBatch / 4);
    expect(long.storedBytesPerSample).toBeLessThan(long.storedBytesPerBatch);
    expect(tf.memory().numTensors).toBe(start);
  });

  test('latency input: a spiking output stores its spikes too', async () => {
    const start = tf.memory().numTensors;
    const result = await benchmarkEventProp({
      inputs: 5,
      hidden: [30],
      outputs: 3,
      loss: 'ttfs',
      duration: 60,
      batchSize: 8,
      input: { kind: 'latency', t0: 10, span: 30 },
      config: {
        init: [
          { mean: 1.5, std: 0.78 },
          { mean: 0.93, std: 0.1 },
        ],
      },
      seconds: 0,
      minSteps: 3,
    });
    expect(result.inputSpikes).toBe(5);
    expect(result.trainSteps).toBe(3);
    // Hidden and output spikes are both kept.
    expect(result.networkSpikes).toBeGreaterThan(0);
    expect(result.storedBytesPerBatch).toBeGreaterThanOrEqual(12 * result.networkSpikes * 8);
    expect(tf.memory().numTensors).toBe(start);
  });
});
