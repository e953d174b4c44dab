import { z } from 'zod';
import { PlasticityError } from '../errors/plasticity-error.js';
import { validateWithSchema } from '../registry/validate.js';
import type { FitData, FitOptions } from './events.js';
import { fitSettingsSchema } from './settings-schema.js';
import type { FitSettings } from './settings.js';

const extrasSchema = z.object({
  earlyStop: z
    .strictObject({
      metric: z.enum(['loss', 'accuracy']),
      split: z.enum(['validation', 'test']),
      patience: z.number().int().min(1),
      minDelta: z.number().min(0).optional(),
    })
    .optional(),
  checkpoint: z
    .object({
      dir: z.string().min(1),
      metadata: z.record(z.string(), z.unknown()).optional(),
      every: z.number().int().min(1).optional(),
    })
    .optional(),
  resume: z.boolean().optional(),
  evalBatchSize: z.number().int().min(1).optional(),
});

function invalid(message: string): never {
  throw new PlasticityError('E_CONFIG', `Invalid fit options: ${message}`);
}

/** Validates fit's options (one E_CONFIG listing every bad field); returns the settings part. */
export function checkFitOptions(options: FitOptions, data: FitData): FitSettings {
  const { epochs, batchSize, learningRate, schedule, seed, keepBest } = options;
  const settings = validateWithSchema(
    fitSettingsSchema,
    { epochs, batchSize, learningRate, schedule, seed, keepBest },
    { what: 'fit options' },
  );
  const { earlyStop, resume, evalBatchSize } = options;
  // Plain-data options only: checkpoint.config may be any JSON value, callbacks are not data.
  const checkpoint = options.checkpoint && {
    dir: options.checkpoint.dir,
    metadata: options.checkpoint.metadata,
    every: options.checkpoint.every,
  };
  validateWithSchema(extrasSchema, { earlyStop, checkpoint, resume, evalBatchSize }, { what: 'fit options' });
  if (!data?.train || typeof data.train.batches !== 'function') invalid('data.train must be a DataSplit');
  if (earlyStop && !data[earlyStop.split]) {
    invalid(`earlyStop watches the ${earlyStop.split} split, but fit got no ${earlyStop.split} data`);
  }
  if (resume && !checkpoint) invalid('resume needs checkpoint.dir (where the run is saved)');
  if (keepBest && !checkpoint) invalid('keepBest needs checkpoint.dir (the best epoch is kept in its best/)');
  if (keepBest && !data[keepBest.split]) {
    invalid(`keepBest watches the ${keepBest.split} split, but fit got no ${keepBest.split} data`);
  }
  return settings;
}
