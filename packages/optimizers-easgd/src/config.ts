import { PlasticityError, validateWithSchema } from '@plasticity/core-tensors';
import { z } from 'zod';

/** Exchange methods: elastic averaging (plain or with Nesterov momentum) and the DOWNPOUR baseline. */
export const EASGD_METHODS = ['easgd', 'eamsgd', 'downpour'] as const;
export type EasgdMethod = (typeof EASGD_METHODS)[number];

/** The fields as a user writes them; `alpha` defaults to `beta / workers` after parsing. */
export const easgdConfigSchema = z
  .object({
    method: z.enum(EASGD_METHODS).default('easgd').describe('easgd, eamsgd or downpour.'),
    workers: z.number().int().min(1).describe('Number of workers p (>= 1).'),
    tau: z.number().int().min(1).default(1).describe('Communication period: local steps between exchanges.'),
    beta: z
      .number()
      .gt(0)
      .lt(2)
      .default(0.9)
      .describe('Moving-average rate of the center, beta = p·alpha (0 < beta < 2; > 1 is warned).'),
    alpha: z
      .number()
      .gt(0)
      .optional()
      .describe('Elastic rate alpha = eta·rho of each exchange (default beta / workers).'),
    delta: z.number().min(0).lt(1).default(0.99).describe('EAMSGD momentum (0 <= delta < 1).'),
    synchronous: z
      .boolean()
      .default(false)
      .describe('Synchronous rounds (all workers exchange together) instead of own clocks.'),
  })
  .strict();

export type EasgdConfigInput = z.input<typeof easgdConfigSchema>;

/** A parsed configuration: every field filled in. */
export interface EasgdConfig {
  readonly method: EasgdMethod;
  readonly workers: number;
  readonly tau: number;
  readonly beta: number;
  readonly alpha: number;
  readonly delta: number;
  readonly synchronous: boolean;
}

export interface ParsedEasgdConfig {
  readonly config: EasgdConfig;
  /** Settings that run but that the paper's analysis advises against. */
  readonly warnings: readonly string[];
}

/**
 * Validates an EASGD configuration and fills the defaults (beta = 0.9, alpha = beta / p,
 * delta = 0.99). Bad fields throw E_CONFIG naming the field; beta >= 2 is refused (the center's
 * moving average `(1 - beta) x̃ + beta mean(x)` diverges); beta > 1 and an alpha that breaks the
 * symmetric split `beta = p·alpha` by much come back as warnings.
 */
export function parseEasgdConfig(raw: unknown, where = 'EASGD config'): ParsedEasgdConfig {
  const parsed = validateWithSchema(easgdConfigSchema, raw, { what: where });
  const alpha = parsed.alpha ?? parsed.beta / parsed.workers;
  const warnings: string[] = [];
  if (parsed.synchronous && parsed.method === 'downpour') {
    throw new PlasticityError(
      'E_CONFIG',
      `Invalid ${where}: synchronous rounds are elastic exchanges (easgd, eamsgd); downpour has none`,
      { field: 'synchronous' },
    );
  }
  if (alpha >= 1) {
    // alpha >= 1 overshoots: the worker jumps past the center on every exchange.
    throw new PlasticityError(
      'E_CONFIG',
      `Invalid ${where}: alpha must be < 1 (each exchange moves a worker by alpha·(x − x̃)), got ${alpha}`,
      { field: 'alpha', alpha },
    );
  }
  if (parsed.beta > 1) {
    warnings.push(
      `beta = ${parsed.beta} > 1: the center overshoots the workers' mean on every round ` +
        '(stable only below 2; the paper uses 0.9)',
    );
  }
  const pAlpha = parsed.workers * alpha;
  if (parsed.alpha !== undefined && (pAlpha > 2 * parsed.beta || pAlpha < parsed.beta / 2)) {
    warnings.push(
      `alpha = ${alpha} with ${parsed.workers} workers gives p·alpha = ${pAlpha}, far from beta = ${parsed.beta} ` +
        '(the symmetric rule has beta = p·alpha)',
    );
  }
  if (pAlpha >= 2) {
    warnings.push(
      `p·alpha = ${pAlpha} >= 2: with all workers exchanging at once the center's moving average diverges`,
    );
  }
  return { config: { ...parsed, alpha }, warnings };
}
