import type { Recipe } from '@plasticity/core-tensors';
import type { ForwardForwardConfig } from './config.js';

// Measured figures for these recipes are in the package README.

export const forwardForwardRecipes: Readonly<Record<string, Recipe<ForwardForwardConfig>>> = {
  mnist: {
    config: { hidden: [1000, 1000, 1000], learningRate: 1e-3, readoutLearningRate: 1e-3 },
    fit: { epochs: 15, batchSize: 100, learningRate: 1e-3, schedule: { kind: 'cosine', minFactor: 0.01 } },
    note: 'Hinton’s 784-1000-1000-1000 with hard negatives and the one-pass softmax readout.',
  },
};
