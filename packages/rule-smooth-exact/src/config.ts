import { z } from 'zod';
import { optimizerConfigShape, threadsSchema } from '@plasticity/core-tensors';

const positive = (fallback: number, what: string) => z.number().positive().default(fallback).describe(what);

/**
 * Smooth exact gradient descent config (Klos & Memmesheimer, arXiv 2309.14523). The defaults are
 * the paper's MNIST network; every field has one, so `{}` is valid; unknown keys are rejected.
 */
export const smoothExactConfigSchema = z.strictObject({
  hidden: z
    .array(z.number().int().positive().max(100_000))
    .min(1)
    .default([100, 100])
    .describe('Hidden layer widths of theta neurons, e.g. [100, 100].'),
  tau: positive(6 / Math.PI, 'Membrane time constant τ of the theta neurons (trial time units).'),
  drive: z
    .number()
    .gt(0.25)
    .default(1.25)
    .describe('Constant drive I0 > 1/4; with τ = 6/π and I0 = 5/4 the free period Θ is 6.'),
  duration: positive(2, 'Trial duration T; spikes after it do not exist (pseudospikes stand in).'),
  inputBins: z
    .number()
    .int()
    .min(1)
    .max(255)
    .default(1)
    .describe(
      'Feature x ∈ [0, 1] falls in bin min(⌊(1 − x)(bins + 1)⌋, bins); bin b < bins is one input spike at T·ln(I/(I − 0.01·bins)), I = bins − b; the last bin is silent. 1: a pixel ≥ 128 spikes once.',
    ),
  pseudospikes: z
    .boolean()
    .default(true)
    .describe('Silent outputs use their first pseudospike, so an initially silent network learns.'),
  weightScale: positive(0.5, 'Weights start U(±weightScale/√fan_in).'),
  initialPhase: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe('Initial phases start at this fraction of Θ (0.5: the network starts almost silent).'),
  trainPhases: z.boolean().default(true).describe('Train the initial phases too (clipped to [0, Θ]).'),
  earlySpike: z
    .number()
    .min(0)
    .default(0.01)
    .describe('Weight γ of the early-spike term γ(e^(t_label/T) − 1) added to the cross-entropy of −t.'),
  flipProbability: z
    .number()
    .min(0)
    .lt(0.5)
    .default(0.02)
    .describe('Training augmentation: each input bin is flipped (b → bins − b) with this probability.'),
  threads: threadsSchema,
  ...optimizerConfigShape,
});

export type SmoothExactConfig = z.output<typeof smoothExactConfigSchema>;
/** What a user may write: every field optional. */
export type SmoothExactConfigInput = z.input<typeof smoothExactConfigSchema>;
