import { z } from 'zod';
import { LOSS_NAMES, SURROGATES, choiceSchema, latencyEncoderSchema } from '@plasticity/neurons';
import { optimizerConfigShape } from '@plasticity/core-tensors';

const ms = (fallback: number, what: string) => z.number().positive().default(fallback).describe(what);

const normalInit = z.strictObject({
  mean: z.number().describe('Mean weight.'),
  std: z.number().min(0).describe('Standard deviation of the weights.'),
});
export type NormalInit = z.output<typeof normalInit>;

const size = z.number().int().positive();

/** How each time step's channel vector becomes an image for conv layers. */
const frameSchema = z.strictObject({
  height: size.describe('Sensor rows.'),
  width: size.describe('Sensor columns.'),
  channels: size.default(1).describe('Channels per pixel (2 polarities for event cameras).'),
  layout: z
    .enum(['chw', 'hwc'])
    .default('chw')
    .describe('Order of the channel ids: chw = (c·H + y)·W + x (N-MNIST), hwc = (y·W + x)·C + c.'),
  crop: z
    .strictObject({
      top: z.number().int().min(0).default(0),
      left: z.number().int().min(0).default(0),
      height: size,
      width: size,
    })
    .optional()
    .describe('Keep only this window of the sensor.'),
});
export type FrameConfig = z.output<typeof frameSchema>;

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
  surrogate: choiceSchema(SURROGATES)
    .default('fast-sigmoid')
    .describe(`Surrogate spike derivative: ${SURROGATES.join(', ')}.`),
  surrogateScale: z
    .number()
    .positive()
    .optional()
    .describe(
      'Steepness of the surrogate (fast-sigmoid slope, arctan alpha, SuperSpike beta); default the neurons package’s.',
    ),
  loss: choiceSchema([...LOSS_NAMES, 'trace-mse'] as const)
    .default('max-voltage')
    .describe(
      `Loss on the output layer: ${LOSS_NAMES.join(', ')}, trace-mse. Voltage losses read an li readout (the classic form has one); spike losses need a spiking output layer; trace-mse (regression tasks, layers) is the mean squared error of the output voltage against the target series.`,
    ),
  layers: z
    .array(z.record(z.string(), z.unknown()))
    .min(1)
    .optional()
    .describe(
      'The network as a list of @plasticity/neurons layer specs (dense, recurrent, conv2d, pool2d, flatten, lif, alif, if, lif-exp, li, gated-theta), ending with one unit per class (per target channel for a regression). Replaces hidden, recurrent, tauMem, tauSyn, threshold and init.',
    ),
  frame: frameSchema
    .optional()
    .describe('Reshape each step’s channels into [H, W, C] frames for conv layers (needs layers).'),
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
  inputCoding: z
    .enum(['latency', 'current'])
    .default('latency')
    .describe(
      "How dense features enter: 'latency', one spike per feature at the encoder's time; 'current', each feature added to the first neurons' drive at every step as a constant current (snnTorch's direct input: the connections before the first neuron layer act once, not at every step). 'current' needs layers; its window defaults to 25 steps.",
    ),
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
