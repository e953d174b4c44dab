// The README's "Composable networks" example, run as written on every backend.
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createGradientLearner, createRng, uniformTensor } from '@plasticity/core-tensors';
import { testBackends, useBackend } from '@plasticity/core-tensors/testing';
import { createSpikingNetwork, lossByName, rateEncode, readoutScores } from '../index.js';

const backends = await testBackends();

// The example has a conv2d layer, which the webgpu backend refuses (see network.test.ts).
describe.each(backends.filter((b) => b !== 'webgpu'))('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test('README example', async () => {
    // --- README begin (keep in sync) ---
    const net = createSpikingNetwork(
      [
        { type: 'conv2d', filters: 8, kernel: 3, padding: 'same' },
        { type: 'lif', tauMem: 10 },
        { type: 'pool2d', kind: 'max', size: 2 },
        { type: 'flatten' },
        { type: 'recurrent', units: 32 },
        { type: 'alif' },
        { type: 'dense', units: 10 },
        { type: 'li' },
      ],
      [12, 12, 1], // per-sample input shape: NHWC frames
      { seed: 1, surrogate: { kind: 'fast-sigmoid', slope: 25 } },
    );
    // Rate-coded images: [T, B, 12, 12, 1] spikes from intensities in [0, 1].
    const images = uniformTensor(createRng(0), [4, 12, 12, 1]);
    const x = rateEncode(images, { steps: 20, rng: 7 });
    const y = tf.tensor1d([3, 1, 4, 1], 'int32');

    const loss = lossByName('max-voltage');
    const learner = createGradientLearner({
      params: net.params, // 'layers.0.kernel', 'layers.4.kernel', 'layers.4.recurrent', 'layers.6.kernel'
      optimizer: 'adam',
      learningRate: 1e-3,
      loss: (batch) => {
        const run = net.run(batch.x as tf.Tensor);
        return { loss: loss(run, batch.y), scores: readoutScores('max-voltage', run) };
      },
      predict: (input) => tf.tidy(() => readoutScores('max-voltage', net.run(input as tf.Tensor))),
    });
    const metrics = await learner.trainStep({ x, y, size: 4 }); // one BPTT step
    const run = net.run(x); // run.layers[1].spikes: the conv LIF raster [20, 4, 12, 12, 8]
    // --- README end ---
    expect(Object.keys(net.params)).toEqual([
      'layers.0.kernel',
      'layers.4.kernel',
      'layers.4.recurrent',
      'layers.6.kernel',
    ]);
    expect(Number.isFinite(metrics.loss)).toBe(true);
    expect(run.layers[1].spikes!.shape).toEqual([20, 4, 12, 12, 8]);
    expect(run.output.shape).toEqual([20, 4, 10]);
    expect((await tf.tidy(() => tf.sum(run.layers[1].spikes!)).data())[0]).toBeGreaterThan(0);
    tf.dispose([images, x, y, run]);
    learner.dispose();
    net.dispose();
  });
});
