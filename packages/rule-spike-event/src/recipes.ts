import type { Recipe } from '@plasticity/core-tensors';
import type { SpikeEventConfig } from './config.js';

// Measured figures for these recipes are in the package README.

const MNIST_DVS_LR = 1e-2;

export const spikeEventRecipes: Readonly<Record<string, Recipe<SpikeEventConfig>>> = {
  'mnist-dvs': {
    config: {
      hidden: [100],
      intensity: 'softplus',
      dt: 5,
      tau: 10,
      readout: 'hidden',
      learningRate: MNIST_DVS_LR,
    },
    fit: { epochs: 3, batchSize: 32, learningRate: MNIST_DVS_LR },
    note: 'Self-supervised next-event prediction, 2312-100-2312 on 10 ms bins, exp prediction units (update ±η x at each spike), with a linear readout of the hidden intensities; see the README for figures.',
  },
  'mnist-dvs:events': {
    config: {
      hidden: [100],
      intensity: 'softplus',
      dt: 5,
      tau: 10,
      readout: 'events',
      learningRate: MNIST_DVS_LR,
    },
    fit: { epochs: 3, batchSize: 32, learningRate: MNIST_DVS_LR },
    note: 'The same network and training; the readout classifies ln(1 + event count) of each input channel (the raw-event baseline).',
  },
};
