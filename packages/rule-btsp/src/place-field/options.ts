import { z } from 'zod';
import { MILSTEIN_2021_TRACK } from './constants.js';

const position = z
  .number()
  .min(0)
  .lt(MILSTEIN_2021_TRACK.trackLength, { message: 'a position on the 187 cm track: [0, 187) cm' });

/** Options of the place-field experiment; the defaults are the published protocol. */
export const placeFieldOptionsSchema = z.strictObject({
  /** Plateau position of the first induction (cm). */
  plateauPosition: position.default(120),
  /** Induction laps (one plateau each), for both inductions and the data comparison. */
  laps: z.number().int().min(1).max(10).default(3),
  /** Plateau position of the second induction, which moves the field (cm). */
  secondPosition: position.default(45),
  /** `'per-lap'`: the eLife 2021 update once per lap; `'continuous'`: dW/dt (their later code). */
  rule: z.enum(['per-lap', 'continuous']).default('per-lap'),
  /** Plateau duration (s). */
  plateauDuration: z.number().positive().max(2).default(0.3),
  /** Running speed (cm/s). */
  runSpeed: z.number().min(10).max(100).default(25),
  /** Measured-plasticity CSV (t, initial_ramp, delta_ramp) to compare the model with. */
  data: z.string().min(1).optional(),
});

export type PlaceFieldOptions = z.output<typeof placeFieldOptionsSchema>;
