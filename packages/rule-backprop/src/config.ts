import { z } from 'zod';
import { ACTIVATIONS } from './activations.js';

/** Weight initialisations; `auto` picks He for relu/elu/gelu and Glorot for tanh/sigmoid. */
export const INITS = ['auto', 'he-normal', 'he-uniform', 'glorot-normal', 'glorot-uniform'] as const;
export type InitName = (typeof INITS)[number];

export const OPTIMIZERS = ['adam', 'sgd', 'momentum'] as const;

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
  optimizer: z
    .enum(OPTIMIZERS)
    .default('adam')
    .describe('Optimiser: adam, sgd or momentum (tfjs-core train.*).'),
  learningRate: z
    .number()
    .positive()
    .default(1e-3)
    .describe('Initial learning rate; the trainer’s learningRate and schedule set it per epoch.'),
  momentum: fraction(0.9, 'Momentum coefficient (optimizer "momentum").'),
  nesterov: z.boolean().default(false).describe('Nesterov momentum (optimizer "momentum").'),
  beta1: fraction(0.9, 'Adam first-moment decay.'),
  beta2: fraction(0.999, 'Adam second-moment decay.'),
  epsilon: z
    .number()
    .positive()
    .default(1e-7)
    .describe('Adam denominator epsilon (the same on every backend).'),
  weightDecay: z
    .number()
    .min(0)
    .default(0)
    .describe('Decoupled weight decay on weights, not biases (AdamW style; with SGD it equals L2).'),
});

export type BackpropConfig = z.output<typeof backpropConfigSchema>;
/** What a user may write: every field optional. */
export type BackpropConfigInput = z.input<typeof backpropConfigSchema>;
