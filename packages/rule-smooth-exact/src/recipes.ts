import type { Recipe } from '@plasticity/core-tensors';
import type { SmoothExactConfig } from './config.js';

// Measured figures for these recipes are in the package README.

// Klos & Memmesheimer's MNIST setup: AdaBelief 4e-3·e^(−epoch/100), batch 1000, 100 epochs.
const PAPER_LR = 4e-3;

export const smoothExactRecipes: Readonly<Record<string, Recipe<SmoothExactConfig>>> = {
  mnist: {
    config: { learningRate: 3e-3 },
    fit: {
      epochs: 15,
      batchSize: 100,
      learningRate: 3e-3,
      schedule: { kind: 'exponential', factor: 0.85 },
    },
    note: '784-100-100-10 theta neurons starting almost silent, pseudospikes, Adam; a shorter schedule than the paper’s.',
  },
  'mnist:paper': {
    config: { learningRate: PAPER_LR, optimizer: 'adabelief', epsilon: 1e-16 },
    fit: {
      epochs: 100,
      batchSize: 1000,
      learningRate: PAPER_LR,
      schedule: { kind: 'exponential', factor: Math.exp(-1 / 100) },
    },
    note: 'The paper’s optimiser and schedule: AdaBelief, 100 epochs, batch 1000, 4e-3·e^(−epoch/100) (per epoch, not per step).',
  },
  files: {
    note: 'For your own files: the MNIST network sized to the input; features must lie in [0, 1].',
  },
};
