import { z } from 'zod';

export const LEARNING_KINDS = ['btsp', 'hebbian'] as const;
export type LearningKind = (typeof LEARNING_KINDS)[number];

const positive = (fallback: number, what: string) => z.number().positive().default(fallback).describe(what);
const nonNegative = (fallback: number, what: string) => z.number().min(0).default(fallback).describe(what);

/**
 * Config of the multilayer BTSP rule (after Galloni et al. 2025, rule `BTSP_19` of their EIANN
 * code). Every field has a default, so `{}` is valid; unknown keys are errors. Learning is online:
 * each sample of a batch updates the weights before the next one is seen.
 */
export const btspConfigSchema = z.strictObject({
  hidden: z
    .array(z.number().int().positive().max(100_000))
    .min(1)
    .default([500])
    .describe('Widths of the excitatory hidden layers between input and output.'),
  activeFraction: z
    .number()
    .gt(0)
    .max(1)
    .default(0.1)
    .describe(
      'Somatic inhibition of each hidden layer: only the most driven activeFraction of its units fire, at rates (drive − θ)/(max drive − θ) with θ the largest drive left silent.',
    ),
  outputInhibition: nonNegative(
    0.5,
    'Output inhibition: each output rate is clamp(drive − outputInhibition × mean output drive, 0, 1).',
  ),
  learning: z
    .enum(LEARNING_KINDS)
    .default('btsp')
    .describe(
      'btsp: every layer learns by BTSP from top-down gated plateaus; hebbian: the baseline, hidden layers learn by competitive Hebb (their most active plateauFraction of units) and only the output layer by BTSP from its error.',
    ),
  learningRate: positive(0.03, 'BTSP step of the hidden layers, per sample.'),
  outputLearningRate: positive(0.03, 'BTSP step of the output layer, per sample.'),
  hebbianLearningRate: positive(
    1e-6,
    'learning "hebbian": Hebbian step of the hidden layers, per sample (on MNIST larger steps were measured to degrade the hidden code: 29 % at 1e-5, chance at 1e-4).',
  ),
  weightMax: positive(
    10,
    'Excitatory weights of a layer stay in [0, wmax], wmax = weightMax/√fanIn (10 gives the authors’ 0.35 for 784 inputs and 0.45 for 500).',
  ),
  initScale: positive(2, 'Hidden excitatory weights start uniform in [0, initScale/√fanIn].'),
  outputInitScale: positive(0.5, 'Output excitatory weights start uniform in [0, outputInitScale/√fanIn].'),
  synapticScaling: z
    .boolean()
    .default(true)
    .describe(
      'Homeostatic synaptic scaling: after each change, a hidden unit’s weights are rescaled so that their sum stays at its initial value (BTSP alone never depresses silent inputs).',
    ),
  feedbackScale: z
    .array(z.number().positive())
    .optional()
    .describe(
      'Scale of the top-down input to each hidden layer’s dendrite (through the transposed forward weights), first hidden layer first; default 1 for every layer.',
    ),
  plateauFraction: z
    .number()
    .gt(0)
    .max(1)
    .default(0.05)
    .describe(
      'Largest fraction of a hidden layer’s units that plateau per sample, each sign (active units with the strongest dendritic signal first).',
    ),
  stochastic: z
    .boolean()
    .default(false)
    .describe(
      'Hidden units plateau with probability |dendritic signal| (then at most plateauFraction of them, strongest first) instead of by rank.',
    ),
  temporalDiscount: z
    .number()
    .min(0)
    .max(1)
    .default(0.016)
    .describe(
      'γ: how much the previous sample’s eligibility and plateaus add to this sample’s update (the seconds-long BTSP window across consecutive samples).',
    ),
  depressionThreshold: nonNegative(0.01, 'Threshold of the depression gate q_dep(ET).'),
  depressionWidth: positive(0.01, 'Width of the depression gate (slope 2/width).'),
});

export type BtspConfig = z.output<typeof btspConfigSchema>;
export type BtspConfigInput = z.input<typeof btspConfigSchema>;
