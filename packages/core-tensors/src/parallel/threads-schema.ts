import { z } from 'zod';

/**
 * The `threads` field of rules that split a batch over Node worker threads (`threadCount`
 * resolves it): `'auto'` = one per core, at most 8; 1 = the calling thread only.
 */
export const threadsSchema = z
  .union([z.literal('auto'), z.number().int().min(1).max(256)])
  .default('auto')
  .describe(
    'Threads that simulate a batch (Node worker threads, each a slice of the batch): auto = one per core, at most 8; 1 = the calling thread only. Browsers use one.',
  );
