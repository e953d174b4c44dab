import { z } from 'zod';

/** Surrogate spike derivatives by config name (see `surrogateFunction`). */
export const SURROGATES = ['fast-sigmoid', 'super-spike', 'arctan'] as const;
export type SurrogateName = (typeof SURROGATES)[number];

/**
 * Readouts of leaky-integrator output voltages into class scores, over a window of T ms:
 * `max-voltage` = max over time, `mean-voltage` = time mean `(1/T)∫V dt`, `exp-mean-voltage` =
 * `(1/T)∫e^(−t/T)V dt` (Nowotny et al.'s loss shaping). The same names in every rule.
 */
export const VOLTAGE_READOUTS = ['max-voltage', 'mean-voltage', 'exp-mean-voltage'] as const;
export type VoltageReadout = (typeof VOLTAGE_READOUTS)[number];

/** Names that earlier versions accepted, and their names now. */
export const RENAMED: Readonly<Record<string, string>> = Object.freeze({
  superspike: 'super-spike',
  fastSigmoid: 'fast-sigmoid',
  superSpike: 'super-spike',
  'sum-voltage': 'mean-voltage',
  'exp-sum-voltage': 'exp-mean-voltage',
});

/**
 * A config field choosing one of `values`. An old name from `RENAMED` fails validation with a
 * message naming the new one instead of being accepted silently.
 */
export function choiceSchema<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess<unknown, z.ZodEnum<{ [K in T[number]]: K }>, T[number]>((value, ctx) => {
    const renamed = typeof value === 'string' ? RENAMED[value] : undefined;
    if (renamed !== undefined && (values as readonly string[]).includes(renamed)) {
      ctx.addIssue({ code: 'custom', message: `"${renamed}" (the new name of "${value}")`, input: value });
      return z.NEVER;
    }
    return value;
  }, z.enum(values));
}
