import type { Recipe } from '@plasticity/core-tensors';
import type { ForwardForwardConfig } from './config.js';

// Measured figures for these recipes are in the package README.

export const forwardForwardRecipes: Readonly<Record<string, Recipe<ForwardForwardConfig>>> = {
  mnist: {
    config: {
      hidden: [1000, 1000],
      readoutFrom: 0,
      shift: 1,
      threads: 1,
      learningRate: 1e-3,
      readoutLearningRate: 1e-3,
    },
    fit: { epochs: 25, batchSize: 100, learningRate: 1e-3, schedule: { kind: 'cosine', minFactor: 0.01 } },
    note: '784-1000-1000 supervised FF, hard negatives, ±1-pixel jitter, one-pass softmax on both layers; sized to train in 30 min on one wasm thread.',
  },
  'mnist:paper': {
    config: { hidden: [2000, 2000, 2000, 2000], learningRate: 1e-3, readoutLearningRate: 1e-3 },
    fit: { epochs: 60, batchSize: 100, learningRate: 1e-3, schedule: { kind: 'cosine', minFactor: 0.01 } },
    note: 'Hinton’s network (4 × 2000 ReLU, 60 epochs, readout and goodness from layer 2 up, no augmentation): hours on a CPU.',
  },
};
