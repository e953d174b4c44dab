import type { Recipe } from '@plasticity/core-tensors';
import type { StdpConfig } from './config.js';

// Measured figures for these recipes are in the package README.

const READOUT_LR = 0.1;

/** 400 competitive neurons as Diehl & Cook's middle network; the readout learns alongside STDP. */
const MNIST: Recipe<StdpConfig> = {
  config: { hidden: 400, learningRate: READOUT_LR },
  fit: { epochs: 2, batchSize: 100, learningRate: READOUT_LR, schedule: { kind: 'constant' } },
  note: '784-400 STDP layer with winner-take-all and adaptive thresholds, softmax readout on spike shares; measured 91.8–92.2 % test.',
};

/** Settings per dataset (`plasticity train stdp --dataset <name>` uses them). */
export const stdpRecipes: Readonly<Record<string, Recipe<StdpConfig>>> = {
  mnist: MNIST,
};
