import { z } from 'zod';

export const LEARNING_KINDS = ['btsp', 'hebbian'] as const;
export type LearningKind = (typeof LEARNING_KINDS)[number];

const positive = (fallback: number, what: string) => z.number().positive().default(fallback).describe(what);
const nonNegative = (fallback: number, what: string) => z.number().min(0).default(fallback).describe(what);

/**
 * Config of the multilayer BTSP rule (Galloni et al. 2025, rule `BTSP_19` of their EIANN code).
 * Every field has a default, so `{}` is valid; unknown keys are errors. Learning rates are per
 * sample: a batch applies the sum of its samples' updates, all computed from the same weights.
 */
export const btspConfigSchema = z.strictObject({
  hidden: z
    .array(z.number().int().positive().max(100_000))
    .min(1)
    .default([500, 500])
    .describe('Widths of the excitatory ReLU layers between input and output.'),
  maxRate: positive(
    1,
    'Rates are the drive clamped to [0, maxRate] (a saturating ReLU), so eligibility and plateaus share one scale.',
  ),
  learning: z
    .enum(LEARNING_KINDS)
    .default('btsp')
    .describe(
      'btsp: every layer learns by BTSP from top-down gated plateaus; hebbian: the baseline, hidden layers learn by competitive Hebb (only the most active plateauFraction of units, each unit’s summed weight held constant) and only the output layer by BTSP from its error.',
    ),
  learningRate: positive(0.01, 'BTSP step of the hidden layers, per sample.'),
  outputLearningRate: positive(0.03, 'BTSP step of the output layer, per sample.'),
  hebbianLearningRate: positive(
    1e-3,
    'learning "hebbian": Hebbian step of the hidden layers, per sample (weights then renormalised).',
  ),
  weightMax: positive(
    10,
    'Excitatory weights of a layer stay in [0, wmax], wmax = weightMax/√fanIn (10 gives the authors’ 0.35 for 784 inputs and 0.45 for 500).',
  ),
  initScale: positive(
    5,
    'Hidden excitatory weights start uniform in [0, initScale/√fanIn] (5: half of wmax, below the BTSP ceiling wmax·ET/(ET + q(ET)) that plateaus pull active inputs to).',
  ),
  outputInitScale: positive(5, 'Output excitatory weights start uniform in [0, outputInitScale/√fanIn].'),
  inhibitoryUnits: z
    .number()
    .int()
    .min(0)
    .max(100_000)
    .default(50)
    .describe('Size of the fixed feed-forward inhibitory population of each hidden layer (0 = none).'),
  outputInhibitoryUnits: z
    .number()
    .int()
    .min(0)
    .max(100_000)
    .default(10)
    .describe('Size of the output layer’s inhibitory population (0 = none).'),
  inhibition: nonNegative(
    1,
    'Strength of the hidden layers’ inhibition, as a fraction of the mean excitatory drive at initialisation.',
  ),
  outputInhibition: nonNegative(0.3, 'The same for the output layer.'),
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
    .default(1)
    .describe(
      'Largest fraction of a hidden layer’s units that plateau per sample, each sign (units with the strongest dendritic signal first).',
    ),
  stochastic: z
    .boolean()
    .default(false)
    .describe(
      'Hidden units plateau with probability |dendritic signal| (then at most plateauFraction of them, strongest first) instead of by rank.',
    ),
  reluGate: z.boolean().default(true).describe('Only hidden units active in the forward pass can plateau.'),
  outputGate: z
    .boolean()
    .default(false)
    .describe(
      'Only output units active in the forward pass get their error plateau (the authors’ choice; off lets a silent correct unit recover).',
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
