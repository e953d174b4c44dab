import type { RulePlugin } from '@plasticity/core-tensors';
import { HIDDEN_ACTIVITY_METRICS } from '@plasticity/core-tensors';
import { smoothExactConfigSchema } from './config.js';
import type { SmoothExactConfig } from './config.js';
import { createSmoothExactLearner } from './learner.js';
import { smoothExactRecipes } from './recipes.js';

/** Smooth exact gradient descent: theta neurons, exact event-driven simulation, pseudospikes. */
export const smoothExactRule: RulePlugin<SmoothExactConfig> = {
  name: 'smooth-exact',
  package: { name: '@plasticity/rule-smooth-exact' },
  summary:
    'Theta-neuron networks trained by smooth exact gradient descent (Klos & Memmesheimer): exact event-driven simulation, pseudospikes for silent neurons, hand-written exact gradients.',
  configSchema: smoothExactConfigSchema,
  recipes: smoothExactRecipes,
  metrics: {
    loss: {
      label: 'training objective',
      description:
        'cross-entropy of −t over the output first-spike (or pseudospike) times plus γ·(e^(t_label/T) − 1), mean per sample',
    },
    accuracy: { label: 'training accuracy (during the epoch)' },
    hiddenSpikes: { label: 'spikes per hidden neuron per trial' },
    silentFraction: HIDDEN_ACTIVITY_METRICS.silentFraction,
  },
  inputs: ['dense'],
  create: createSmoothExactLearner,
};
