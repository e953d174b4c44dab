import { z } from 'zod';
import { EVENT_LOSSES, choiceSchema } from '@plasticity/neurons';
import { optimizerConfigShape, weightDecaySchema, threadsSchema } from '@plasticity/core-tensors';

const positive = (fallback: number, what: string) => z.number().positive().default(fallback).describe(what);

const hiddenLayer = z.union([
  z.number().int().positive().max(100_000),
  z.strictObject({
    size: z.number().int().positive().max(100_000),
    recurrent: z.boolean().default(false),
  }),
]);

const normalInit = z.strictObject({
  mean: z.number().describe('Mean of the normal distribution weights are drawn from.'),
  std: z.number().min(0).describe('Standard deviation.'),
});
export type NormalInit = z.output<typeof normalInit>;

/**
 * EventProp config. Every field has a default, so `{}` is valid; unknown keys are errors.
 * Times are in ms; voltages in units of the threshold's scale (ϑ = 1 by default).
 */
export const eventpropConfigSchema = z.strictObject({
  hidden: z
    .array(hiddenLayer)
    .default([200])
    .describe('Hidden LIF layers from input to output: a size, or {size, recurrent}.'),
  layers: z
    .array(z.record(z.string(), z.unknown()))
    .min(2)
    .optional()
    .describe(
      'The network as @plasticity/neurons layer specs: dense or recurrent connections each followed by lif-exp, the last dense one by li (voltage losses) or lif-exp (ttfs). Replaces hidden; init per layer ({dist: normal}) replaces init and recurrentInit.',
    ),
  loss: choiceSchema(EVENT_LOSSES)
    .default('max-voltage')
    .describe(
      'ttfs: spiking output, first-spike cross-entropy; max-voltage / mean-voltage / exp-mean-voltage: leaky-integrator output, cross-entropy of its max, time-mean, or exp-weighted time-mean voltage.',
    ),
  tauMem: positive(20, 'Membrane time constant τm, ms.'),
  tauSyn: positive(5, 'Synaptic time constant τs, ms (≠ τm).'),
  threshold: positive(1, 'Firing threshold ϑ (reset to 0).'),
  duration: z
    .number()
    .positive()
    .optional()
    .describe(
      'Simulated window, ms. Default: the task’s duration for event input; for dense input the encoder’s last spike time plus 2·τm.',
    ),
  encoder: z
    .strictObject({
      t0: z.number().min(0).default(0).describe('Spike time of value 0, ms.'),
      span: z.number().min(0).default(30).describe('Spike time spread: t = t0 + value·span, ms.'),
      invert: z.boolean().default(false).describe('Use 1 − value (bright pixels spike early).'),
      threshold: z
        .number()
        .min(0)
        .max(1)
        .optional()
        .describe('Values ≤ threshold do not spike (MNIST: 1/255).'),
      bias: z
        .strictObject({ time: z.number().min(0).describe('Spike time of the bias channel, ms.') })
        .optional()
        .describe('An extra input channel that spikes at a fixed time in every sample.'),
      resolution: z
        .number()
        .positive()
        .optional()
        .describe(
          'Round spike times to multiples of this many ms (a time-stepped simulator’s grid); fewer distinct input times simulate faster.',
        ),
    })
    .default({ t0: 0, span: 30, invert: false })
    .describe('Latency encoding of dense features in [0, 1] (one spike per feature).'),
  ttfs: z
    .strictObject({
      tau0: positive(0.5, 'Softmax temperature on −t, ms.'),
      tau1: positive(6.4, 'Time constant of the early-spike term α·(e^(t/τ1) − 1), ms.'),
      alpha: z.number().min(0).default(0.003).describe('Weight of the early-spike term.'),
      silentPush: z
        .number()
        .min(0)
        .default(1)
        .describe('Weight β of β·(ϑ − peak voltage) when the label’s output neuron stays silent (0 = off).'),
    })
    .default({ tau0: 0.5, tau1: 6.4, alpha: 0.003, silentPush: 1 })
    .describe('TTFS loss constants (loss: ttfs).'),
  init: z
    .array(normalInit)
    .optional()
    .describe(
      'Per layer (hidden layers then output) normal init of the input weights; default scales with fan-in so that about a third of the inputs bring a neuron to threshold.',
    ),
  recurrentInit: normalInit
    .default({ mean: 0, std: 0.1 })
    .describe('Normal init of recurrent weights (hidden layers with recurrent: true).'),
  ...optimizerConfigShape,
  weightDecay: weightDecaySchema.describe('Decoupled weight decay on all weights (0 = off).'),
  spikeRegularisation: z
    .strictObject({
      strength: z.number().min(0).default(0).describe('0 = off.'),
      target: z.number().min(0).default(1).describe('Target spikes per hidden neuron per sample.'),
    })
    .default({ strength: 0, target: 1 })
    .describe('Heuristic pull of each hidden neuron’s spike count towards the target.'),
  silentBoost: z
    .number()
    .min(0)
    .default(0)
    .describe(
      'Silent-neuron heuristic (Wunderlich & Pehle’s code): after each step, hidden neurons that fired in no sample of the batch get boost added to each of their input weights. 0 = off.',
    ),
  clipNorm: z
    .number()
    .positive()
    .optional()
    .describe(
      'Scale the batch gradient down to this global L2 norm when it is larger (a near-tangential threshold crossing can make one gradient huge). Off when absent.',
    ),
  threads: threadsSchema,
  maxSpikesPerNeuron: z
    .number()
    .int()
    .positive()
    .default(1000)
    .describe('Stop with E_DIVERGED when a layer fires more spikes per neuron in one sample.'),
});

export type EventpropConfig = z.output<typeof eventpropConfigSchema>;
/** What a user may write: every field optional. */
export type EventpropConfigInput = z.input<typeof eventpropConfigSchema>;
