import type { Recipe } from '@plasticity/core-tensors';
import type { BtspConfig } from './config.js';

// Measured figures for these recipes are in the package README (section "Multilayer learning").

const MNIST_LR = 0.003;

const MNIST: Recipe<BtspConfig> = {
  config: {
    hidden: [500, 500],
    learningRate: MNIST_LR,
    outputLearningRate: 0.01,
    outputInitScale: 0.5,
    plateauFraction: 0.05,
  },
  fit: { epochs: 4, batchSize: 16, learningRate: MNIST_LR },
  note: '784-500-500-10 excitatory layers with fixed inhibitory populations, BTSP from top-down gated plateaus, batches of 16, 4 epochs; measured 81.8 % test (seed 0) in 23 min on 2 cores.',
};

export const btspRecipes: Readonly<Record<string, Recipe<BtspConfig>>> = {
  mnist: MNIST,
  yinyang: {
    config: { hidden: [120], outputInitScale: 5 },
    fit: { epochs: 5, batchSize: 8, learningRate: 0.01 },
    note: '4-120-3 with BTSP from top-down gated plateaus; measured 78.3 % test (seed 0).',
  },
};
