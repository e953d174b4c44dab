import { PlasticityError } from '@plasticity/core-tensors';
import { z } from 'zod';

/** The largest Hopfield baseline: its co-activation counts take size² × 2 bytes. */
export const MAX_HOPFIELD_SIZE = 12_000;
/** The largest packed matrices (weights and mask together), in bytes. */
export const MAX_MATRIX_BYTES = 2 ** 31;

/** Options of the `btsp-memory` experiment; defaults are the paper's scale with 4,000 outputs. */
export const btspMemoryOptionsSchema = z.strictObject({
  inputs: z.number().int().min(1).default(25_000).describe('input neurons m'),
  outputs: z
    .number()
    .int()
    .min(1)
    .default(4_000)
    .describe('output neurons simulated (the paper has 39,000; they are independent)'),
  items: z.number().int().min(2).default(20_000).describe('items stored in all (the largest M)'),
  points: z.number().int().min(1).default(10).describe('measure at this many evenly spaced M up to items'),
  checkpoints: z
    .array(z.number().int().min(2))
    .min(1)
    .optional()
    .describe('measure at these M instead of points'),
  density: z.number().gt(0).lt(1).default(0.005).describe('fraction of active input bits fp'),
  plateauProbability: z
    .number()
    .gt(0)
    .max(1)
    .default(0.005)
    .describe('plateau probability per output and item fq'),
  connectivity: z.number().gt(0).max(1).default(0.6).describe('connection probability p'),
  threshold: z.number().int().min(0).default(33).describe('an output fires when its input sum exceeds this'),
  removed: z
    .number()
    .min(0)
    .lt(1)
    .default(1 / 3)
    .describe('fraction of a cue’s active bits removed'),
  variant: z.enum(['set-reset', 'toggle']).default('set-reset'),
  cues: z.number().int().min(2).default(1_000).describe('stored items recalled at each M'),
  hopfield: z
    .union([z.boolean(), z.number().int().min(1)])
    .default(false)
    .describe('also run a Hopfield baseline: true = on all inputs, N = on the first N inputs'),
  hopfieldCues: z.number().int().min(2).default(50).describe('items the Hopfield baseline recalls at each M'),
});

export type BtspMemoryOptions = z.infer<typeof btspMemoryOptionsSchema>;

function configError(field: string, message: string, value: unknown): PlasticityError {
  return new PlasticityError('E_CONFIG', `btsp-memory: ${message}`, { field, value });
}

/**
 * The M values to measure at, ascending. Refuses shapes that cannot run: no active bit per
 * pattern, matrices too large, checkpoints beyond `items`, a Hopfield too large.
 */
export function checkOptions(options: BtspMemoryOptions): readonly number[] {
  const { inputs, outputs, density, items, removed } = options;
  if (!(density * inputs >= 1)) {
    throw configError(
      'density',
      `density × inputs = ${density * inputs} < 1: patterns would have no active bit on average`,
      density,
    );
  }
  if (!(removed >= 0 && removed < 1)) {
    throw configError('removed', `removed must be a fraction in [0, 1), got ${removed}`, removed);
  }
  const bytes = 2 * inputs * Math.ceil(outputs / 32) * 4;
  if (bytes > MAX_MATRIX_BYTES) {
    throw configError(
      'outputs',
      `inputs × outputs = ${inputs * outputs} synapses need ${bytes} bytes of packed weights and mask, more than ${MAX_MATRIX_BYTES}`,
      outputs,
    );
  }
  const size = hopfieldSize(options);
  if (size > inputs)
    throw configError(
      'hopfield',
      `a Hopfield baseline of ${size} units needs at most inputs = ${inputs}`,
      size,
    );
  if (size > MAX_HOPFIELD_SIZE) {
    throw configError(
      'hopfield',
      `a Hopfield baseline of ${size} units is over ${MAX_HOPFIELD_SIZE} (its counts take size² × 2 bytes); pass a size`,
      size,
    );
  }
  if (size > 0 && !(density * size >= 1)) {
    throw configError(
      'hopfield',
      `density × hopfield size = ${density * size} < 1: its patterns would be empty`,
      size,
    );
  }
  if (options.checkpoints) {
    const over = options.checkpoints.find((m) => m > items);
    if (over !== undefined)
      throw configError('checkpoints', `checkpoint ${over} is beyond items = ${items}`, over);
    return [...new Set(options.checkpoints)].sort((a, b) => a - b);
  }
  const points = Math.min(options.points, items - 1);
  const at = Array.from({ length: points }, (_, k) => Math.max(2, Math.round((items * (k + 1)) / points)));
  return [...new Set(at)];
}

/** Units of the Hopfield baseline (0: none). */
export function hopfieldSize(options: BtspMemoryOptions): number {
  if (options.hopfield === false) return 0;
  return options.hopfield === true ? options.inputs : options.hopfield;
}
