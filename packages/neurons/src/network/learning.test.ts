// A small convolutional spiking network learns with BPTT (autodiff through the surrogate, via
// core's gradient learner) to tell moving bars apart from N-MNIST-layout events binned into
// frames. Not on WebGPU: training on SwiftShader is too slow for a unit test.
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createGradientLearner, createRng } from '@plasticity/core-tensors';
import { testBackends, useBackend } from '@plasticity/core-tensors/testing';
import { lossByName, readoutScores } from '../losses/losses.js';
import { registerScanKernels } from '../scan/kernels.js';
import { CLASSES, eventFrames } from './__fixtures__/moving-bars.js';
import { createSpikingNetwork } from './network.js';
import type { LayerSpec } from './spec.js';

registerScanKernels();
const backends = (await testBackends()).filter((b) => b !== 'webgpu');
const [SIZE, STEPS, DURATION] = [8, 8, 80_000]; // 8×8 sensor, 8 frames over 80 ms
const [STEPS_TRAINED, BATCH] = [30, 16];

function batchOf(seed: number, size: number): { x: tf.Tensor; y: tf.Tensor1D; labels: number[] } {
  const rng = createRng(seed);
  const labels = Array.from({ length: size }, () => rng.int(CLASSES.length));
  const frames = eventFrames(labels, rng.fork('events'), SIZE, STEPS, DURATION);
  return {
    x: tf.tensor(frames, [STEPS, size, SIZE, SIZE, 2]),
    y: tf.tensor1d(labels, 'int32'),
    labels,
  };
}

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test('conv2d → LIF → max pool → dense → LI learns 3 moving-bar classes above 90 %', async () => {
    const layers: LayerSpec[] = [
      { type: 'conv2d', filters: 4, kernel: 3, padding: 'same' },
      { type: 'lif', tauMem: 10 },
      { type: 'pool2d', kind: 'max', size: 2 },
      { type: 'flatten' },
      { type: 'dense', units: CLASSES.length },
      { type: 'li', tauMem: 10, tauSyn: 5 },
    ];
    const net = createSpikingNetwork(layers, [SIZE, SIZE, 2], { seed: 1 });
    const loss = lossByName('max-voltage');
    const learner = createGradientLearner({
      params: net.params,
      optimizer: 'adam',
      learningRate: 0.02,
      loss: (batch) => {
        const run = net.run(batch.x as tf.Tensor);
        return { loss: loss(run, batch.y), scores: readoutScores('max-voltage', run) };
      },
      predict: (x) => tf.tidy(() => readoutScores('max-voltage', net.run(x as tf.Tensor))),
    });
    const test = batchOf(999, 90);
    const accuracy = async () => {
      const scores = await learner.predict(test.x);
      const predicted = await tf.tidy(() => tf.argMax(scores, 1)).data();
      scores.dispose();
      return test.labels.filter((label, i) => predicted[i] === label).length / test.labels.length;
    };
    const before = await accuracy();
    for (let step = 0; step < STEPS_TRAINED; step++) {
      const batch = batchOf(step, BATCH);
      await learner.trainStep({ x: batch.x, y: batch.y, size: BATCH });
      tf.dispose([batch.x, batch.y]);
    }
    const after = await accuracy();
    expect(after).toBeGreaterThan(0.9);
    expect(after).toBeGreaterThan(before + 0.2);
    tf.dispose([test.x, test.y]);
    learner.dispose();
    net.dispose();
  });
});
