import { z } from 'zod';
import { validateWithSchema } from '../registry/validate.js';
import type { FitSettings, LearningRateSchedule } from './settings.js';

export const learningRateScheduleSchema: z.ZodType<LearningRateSchedule> = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('constant') }),
  z.strictObject({ kind: z.literal('step'), factor: z.number().positive(), every: z.number().int().min(1) }),
  z.strictObject({ kind: z.literal('exponential'), factor: z.number().positive() }),
  z.strictObject({ kind: z.literal('cosine'), minFactor: z.number().min(0).max(1).optional() }),
]);

/** Defaults for what a recipe, config file or flag leaves unset. */
export const DEFAULT_FIT_SETTINGS: FitSettings = {
  epochs: 10,
  batchSize: 32,
  learningRate: 1e-3,
  schedule: { kind: 'constant' },
  seed: 0,
};

export const fitSettingsSchema: z.ZodType<FitSettings> = z.strictObject({
  epochs: z.number().int().min(1).default(DEFAULT_FIT_SETTINGS.epochs),
  batchSize: z.number().int().min(1).default(DEFAULT_FIT_SETTINGS.batchSize),
  learningRate: z.number().min(0).default(DEFAULT_FIT_SETTINGS.learningRate),
  schedule: learningRateScheduleSchema.default(DEFAULT_FIT_SETTINGS.schedule),
  seed: z
    .number()
    .int()
    .min(-Number.MAX_SAFE_INTEGER)
    .max(Number.MAX_SAFE_INTEGER)
    .default(DEFAULT_FIT_SETTINGS.seed),
  keepBest: z
    .strictObject({ split: z.enum(['validation', 'test']), metric: z.enum(['loss', 'accuracy']) })
    .optional(),
});

/** Validates trainer settings and fills defaults; one E_CONFIG error lists every bad field. */
export function parseFitSettings(raw: unknown, source?: string): FitSettings {
  return validateWithSchema(fitSettingsSchema, raw ?? {}, { what: 'training settings', source });
}
