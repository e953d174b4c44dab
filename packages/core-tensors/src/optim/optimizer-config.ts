import { z } from 'zod';

/** The tfjs-core optimisers a gradient step can drive. */
export const OPTIMIZERS = ['adam', 'sgd', 'momentum', 'adabelief'] as const;
export type GradientOptimizerName = (typeof OPTIMIZERS)[number];

/** Optimiser hyper-parameters beyond the learning rate; unset fields take the listed defaults. */
export interface GradientOptimizerOptions {
  /** Adam first-moment decay (default 0.9). */
  readonly beta1?: number;
  /** Adam second-moment decay (default 0.999). */
  readonly beta2?: number;
  /** Adam denominator epsilon (default 1e-7 on every backend, unlike tfjs' backend-dependent default). */
  readonly epsilon?: number;
  /** Momentum coefficient (default 0.9). */
  readonly momentum?: number;
  /** Nesterov momentum (default false). */
  readonly nesterov?: boolean;
}

const fraction = (fallback: number, what: string) => z.number().min(0).lt(1).default(fallback).describe(what);

/**
 * The optimiser fields every rule's config shares; spread it into the rule's schema
 * (`z.strictObject({ ...optimizerConfigShape, ...ruleFields })`). A parsed config is then
 * itself valid `GradientStepOptions`.
 */
export const optimizerConfigShape = {
  optimizer: z
    .enum(OPTIMIZERS)
    .default('adam')
    .describe(
      'Optimiser: adam, sgd or momentum (tfjs-core train.*), or adabelief (Adam with the belief second moment (g − m)²).',
    ),
  learningRate: z
    .number()
    .positive()
    .default(1e-3)
    .describe('Initial learning rate; the trainer’s learningRate and schedule set it per epoch.'),
  momentum: fraction(0.9, 'Momentum coefficient (optimizer "momentum").'),
  nesterov: z.boolean().default(false).describe('Nesterov momentum (optimizer "momentum").'),
  beta1: fraction(0.9, 'Adam/AdaBelief first-moment decay.'),
  beta2: fraction(0.999, 'Adam/AdaBelief second-moment decay.'),
  epsilon: z
    .number()
    .positive()
    .default(1e-7)
    .describe('Adam denominator epsilon (the same on every backend).'),
};

/**
 * Decoupled weight decay (AdamW style); rules add it as `weightDecay` and say in `.describe()`
 * which params decay.
 */
export const weightDecaySchema = z.number().min(0).default(0);
