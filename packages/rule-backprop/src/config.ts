import { z } from 'zod';
import { optimizerConfigShape, weightDecaySchema } from '@plasticity/core-tensors';
import { ACTIVATIONS } from './activations.js';

/** Weight initialisations; `auto` picks He for relu/elu/gelu and Glorot for tanh/sigmoid. */
export const INITS = ['auto', 'he-normal', 'he-uniform', 'glorot-normal', 'glorot-uniform'] as const;
export type InitName = (typeof INITS)[number];

const fraction = (fallback: number, what: string) => z.number().min(0).lt(1).default(fallback).describe(what);

/**
 * Backprop MLP config. Every field has a default, so `{}` is a valid config; unknown keys are
 * rejected so that a typo in a config file is an error rather than silently ignored.
 */
export const backpropConfigSchema = z.strictObject({
  hidden: z
    .array(z.number().int().positive().max(1_000_000))
    .default([128])
    .describe(
      'Hidden layer widths from input to output, e.g. [800, 800]; [] is a linear softmax classifier.',
    ),
  activation: z
    .enum(ACTIVATIONS)
    .default('relu')
    .describe(`Hidden-layer nonlinearity: ${ACTIVATIONS.join(', ')}.`),
  init: z
    .enum(INITS)
    .default('auto')
    .describe(
      'Weight init: He (fan-in; auto for relu/elu/gelu) or Glorot (fan-in + fan-out); biases start at 0.',
    ),
  dropout: fraction(0, 'Dropout rate on hidden activations during training (0 = off).'),
  ...optimizerConfigShape,
  weightDecay: weightDecaySchema.describe(
    'Decoupled weight decay on weights, not biases (AdamW style; with SGD it equals L2).',
  ),
});

export type BackpropConfig = z.output<typeof backpropConfigSchema>;
/** What a user may write: every field optional. */
export type BackpropConfigInput = z.input<typeof backpropConfigSchema>;
