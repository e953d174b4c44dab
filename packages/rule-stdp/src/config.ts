import { z } from 'zod';
import { optimizerConfigShape } from '@plasticity/core-tensors';

/** The stdp config: every field has a default, unknown fields are rejected. */
export const stdpConfigSchema = z.strictObject({
  hidden: z.number().int().positive().default(100).describe('Neurons in the competitive layer.'),
  steps: z.number().int().positive().default(50).describe('Time steps (1 ms each) each input is shown for.'),
  inputRate: z
    .number()
    .positive()
    .max(1)
    .default(0.2)
    .describe('Spike probability per step of an input at intensity 1 (Bernoulli rate code).'),
  minSpikes: z
    .number()
    .int()
    .nonnegative()
    .default(5)
    .describe(
      'A sample that draws fewer output spikes is shown again at twice the input rate (up to 3 times).',
    ),
  tauMem: z.number().positive().default(20).describe('Membrane time constant in ms.'),
  tauTrace: z
    .number()
    .positive()
    .default(20)
    .describe('Time constant of the pre- and postsynaptic traces in ms.'),
  threshold: z
    .number()
    .positive()
    .default(0.2)
    .describe('Firing threshold before adaptation (each neuron’s weights sum to 1).'),
  thetaPlus: z
    .number()
    .nonnegative()
    .default(0.002)
    .describe('Threshold increase per spike (homeostasis: busy neurons get harder to fire).'),
  thetaDecay: z
    .number()
    .nonnegative()
    .max(1)
    .default(1e-4)
    .describe('Fraction of the threshold increase lost per shown input.'),
  potentiation: z
    .number()
    .nonnegative()
    .default(1e-4)
    .describe('STDP rate at postsynaptic spikes: Δw += rate·(presynaptic trace).'),
  depression: z
    .number()
    .nonnegative()
    .default(2.5e-5)
    .describe('STDP rate at presynaptic spikes: Δw −= rate·(postsynaptic trace).'),
  // The readout's optimiser (the trainer's learning rate and schedule apply to it only).
  ...optimizerConfigShape,
});

export type StdpConfig = z.output<typeof stdpConfigSchema>;
