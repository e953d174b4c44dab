import { z } from 'zod';
import { optimizerConfigShape } from '@plasticity/core-tensors';

/** Surrogate spike derivatives (Heaviside forward, smooth derivative backward). */
export const SURROGATES = ['fast-sigmoid', 'arctan', 'superspike'] as const;
export type SurrogateName = (typeof SURROGATES)[number];

/**
 * Readouts of the output voltages `V [T, B, C]` that become class scores `[B, C]` for the
 * softmax cross-entropy: `max-voltage` = max over time (Cramer/Zenke, EventProp's MNIST loss),
 * `mean-voltage` = time average, `exp-mean-voltage` = `(1/T)∫e^(−t/T)V dt` (Nowotny et al.'s
 * loss shaping for SHD).
 */
export const BPTT_LOSSES = ['max-voltage', 'mean-voltage', 'exp-mean-voltage'] as const;
export type BpttLossName = (typeof BPTT_LOSSES)[number];

const ms = (fallback: number, what: string) => z.number().positive().default(fallback).describe(what);

const normalInit = z.strictObject({
  mean: z.number().describe('Mean weight.'),
  std: z.number().min(0).describe('Standard deviation of the weights.'),
});
export type NormalInit = z.output<typeof normalInit>;

/**
 * Latency code for dense features in [0, 1]: each feature spikes once at `t0 + v·span` ms
 * (`1 − v` with `invert`), none when `v ≤ threshold`; `bias` adds a last input channel that
 * spikes at `bias.time` in every sample. The same shape as EventProp's encoder config.
 */
export const latencyEncoderSchema = z.strictObject({
  t0: z.number().min(0).default(0).describe('Spike time of the earliest value, ms.'),
  span: z.number().min(0).default(30).describe('Spread of spike times over values 0 … 1, ms.'),
  invert: z.boolean().default(false).describe('Large values spike early (MNIST: (1 − pixel)·30 ms).'),
  threshold: z
    .number()
    .optional()
    .describe('Values ≤ threshold stay silent (compared before inversion; MNIST: 1/255).'),
  bias: z
    .strictObject({ time: z.number().min(0).describe('Spike time of the bias channel, ms.') })
    .optional()
    .describe('An extra input channel spiking at a fixed time in every sample.'),
});
export type LatencyEncoderConfig = z.output<typeof latencyEncoderSchema>;

/**
 * Surrogate-gradient BPTT config. Every field has a default, so `{}` is valid; unknown keys
 * are errors. Times are in ms.
 */
export const bpttConfigSchema = z.strictObject({
  hidden: z
    .array(z.number().int().positive().max(100_000))
    .min(1)
    .default([128])
    .describe('Hidden LIF layer widths from input to output, e.g. [200].'),
  recurrent: z.boolean().default(false).describe('Give every hidden layer recurrent weights.'),
  tauMem: ms(20, 'Membrane time constant τm, ms (hidden and readout).'),
  tauSyn: ms(5, 'Synaptic current time constant τs, ms (hidden and readout).'),
  threshold: z.number().positive().default(1).describe('Firing threshold ϑ of hidden neurons.'),
  surrogate: z
    .enum(SURROGATES)
    .default('fast-sigmoid')
    .describe(`Surrogate spike derivative: ${SURROGATES.join(', ')}.`),
  surrogateScale: z
    .number()
    .positive()
    .optional()
    .describe(
      'Steepness of the surrogate (fast-sigmoid slope, arctan alpha, SuperSpike beta); default the neurons package’s.',
    ),
  loss: z
    .enum(BPTT_LOSSES)
    .default('max-voltage')
    .describe(`Readout of output voltages into class scores: ${BPTT_LOSSES.join(', ')}.`),
  dt: z
    .number()
    .positive()
    .optional()
    .describe(
      'Simulation step, ms. Dense and event input: default 1. Spike tensors: default the task’s dt; a whole multiple merges steps.',
    ),
  duration: z
    .number()
    .positive()
    .optional()
    .describe(
      'Simulated window, ms. Default: dense input, the latest encoder spike plus τm; spikes and events, the task’s window (a shorter one crops).',
    ),
  encoder: latencyEncoderSchema
    .default({ t0: 0, span: 30, invert: false })
    .describe('Latency encoding of dense features.'),
  init: z
    .array(normalInit)
    .optional()
    .describe(
      'Normal init {mean, std} of each feed-forward kernel, hidden layers then readout; default N(σ/2, σ), σ = 1/(PSP peak·√fan-in).',
    ),
  recurrentInit: normalInit
    .optional()
    .describe('Normal init of recurrent kernels; default N(0, σ), σ = 1/(PSP peak·√units).'),
  ...optimizerConfigShape,
});

export type BpttConfig = z.output<typeof bpttConfigSchema>;
/** What a user may write: every field optional. */
export type BpttConfigInput = z.input<typeof bpttConfigSchema>;
