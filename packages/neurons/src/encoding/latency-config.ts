import { z } from 'zod';

/**
 * Latency code for dense features in [0, 1]: each feature spikes once at `t0 + v·span` ms
 * (`1 − v` with `invert`), none when `v ≤ threshold`; `bias` adds a last input channel that
 * spikes at `bias.time` in every sample. A rule's `encoder` config field; `latencyTimes` takes
 * it with a `dt`.
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
