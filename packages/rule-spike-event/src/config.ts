import { z } from 'zod';
import { optimizerConfigShape } from '@plasticity/core-tensors';
import { INTENSITIES } from './intensity.js';

/** What the linear readout classifies from: the top hidden layer's intensities, or the raw events. */
export const READOUTS = ['hidden', 'events'] as const;
export type ReadoutName = (typeof READOUTS)[number];

const positive = (fallback: number, what: string) => z.number().positive().default(fallback).describe(what);

/**
 * Spike-event learner config. Every field has a default, so `{}` is valid; unknown keys are
 * rejected so that a typo in a config file is an error rather than silently ignored.
 */
export const spikeEventConfigSchema = z.strictObject({
  hidden: z
    .array(z.number().int().positive().max(100_000))
    .min(1)
    .default([100])
    .describe(
      'Hidden point-process layers from input to prediction layer, e.g. [100]; each passes its intensities softplus(u) up.',
    ),
  intensity: z
    .enum(INTENSITIES)
    .default('exp')
    .describe(
      `Intensity function λ = f(u) of the prediction units (the units with data spikes): ${INTENSITIES.join(', ')}. Hidden units use softplus.`,
    ),
  dt: positive(10, 'Time bin, ms: intensities are constant within a bin, counts per bin are Poisson.'),
  tau: positive(20, 'Time constant of the exponential traces of the input events, ms.'),
  baseRate: positive(5, 'Starting intensity of each prediction unit, Hz (its bias is f⁻¹ of it).'),
  hiddenRate: positive(
    20,
    'Rate, Hz, of a hidden unit whose intensity softplus(u) is 1: only for the spikes its rasters show.',
  ),
  initScale: positive(1, 'Weights start N(0, initScale²/fan_in); biases of hidden layers 0.'),
  readout: z
    .enum(READOUTS)
    .default('hidden')
    .describe(
      'What the linear softmax readout classifies from: the top hidden layer’s mean intensities (hidden) or ln(1 + event count) per channel (events).',
    ),
  ...optimizerConfigShape,
});

export type SpikeEventConfig = z.output<typeof spikeEventConfigSchema>;
/** What a user may write: every field optional. */
export type SpikeEventConfigInput = z.input<typeof spikeEventConfigSchema>;
