import type { RulePlugin } from '@plasticity/core-tensors';
import { btspConfigSchema } from './config.js';
import type { BtspConfig } from './config.js';
import { createBtspLearner } from './learner.js';
import { btspRecipes } from './recipes.js';

/** Multilayer BTSP: weights change only onto units whose dendrites get a top-down plateau. */
export const btspRule: RulePlugin<BtspConfig> = {
  name: 'btsp',
  package: { name: '@plasticity/rule-btsp' },
  summary:
    'Behavioural-timescale synaptic plasticity in a multilayer rate network (Galloni et al. 2025): output errors and top-down dendritic signals trigger plateaus, and the weight-dependent BTSP update changes only the weights onto plateauing units.',
  configSchema: btspConfigSchema,
  recipes: btspRecipes,
  metrics: {
    loss: {
      label: 'output squared error',
      description:
        'Σ over outputs of (one-hot target − output rate)², batch mean: what the output plateaus correct; not a cross-entropy.',
    },
    accuracy: { label: 'training accuracy (during the epoch)' },
    activeFraction: {
      label: 'active hidden units',
      unit: 'fraction',
      description:
        'fraction of hidden units with a non-zero rate in the forward pass, over samples and layers',
    },
    plateauFraction: {
      label: 'plateauing hidden units',
      unit: 'fraction',
      description:
        'fraction of hidden units with a plateau (either sign) in the top-down phase, over samples and layers',
    },
  },
  inputs: ['dense'],
  create: (config, task, seed) => createBtspLearner(config, task, seed),
};
