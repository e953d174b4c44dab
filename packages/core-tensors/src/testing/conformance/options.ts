import type { ConcreteBackendName } from '../../backend/types.js';
import type { DataSplit, TaskSpec } from '../../contract/task.js';
import { PlasticityError } from '../../errors/plasticity-error.js';

/** The checks of the rule conformance suite, in the order they run. */
export const CONFORMANCE_CHECKS = [
  'config',
  'seeds',
  'leaks',
  'predict',
  'resume',
  'checkpoint',
  'learning',
  'dispose',
] as const;
export type ConformanceCheck = (typeof CONFORMANCE_CHECKS)[number];

/** A tiny dataset for the task: `train` feeds every check, `test` (default `train`) scores learning. */
export interface ConformanceData {
  readonly train: DataSplit;
  readonly test?: DataSplit;
}

/** How well the learning check expects the rule to do after a short training run. */
export interface LearningBar {
  /** Epochs over the training split (default 10). */
  readonly epochs?: number;
  /** Accuracy of guessing (default `1 / task.outputs`). */
  readonly chance?: number;
  /** Accuracy the rule must reach (default halfway from chance to 1). */
  readonly accuracy?: number;
}

/** Why a check does not run: on no backend (a sentence), or only on the backends `on` names. */
export type ConformanceSkip =
  string | { readonly on: readonly ConcreteBackendName[]; readonly reason: string };

export interface RuleConformanceOptions {
  readonly task: TaskSpec;
  /** The dataset, or a function that makes it (called once per check). */
  readonly data: ConformanceData | (() => ConformanceData);
  /** The config the checks use (raw: the rule's schema fills defaults). Keep it small and fast. */
  readonly config?: unknown;
  /** Batch size of every check (default 16). */
  readonly batchSize?: number;
  /** Training steps of the leak, resume and dispose checks (default 6, at least 2). */
  readonly steps?: number;
  readonly learning?: LearningBar;
  /** Seeds the seed check creates learners with (default [0, 1, 2]; at least two). */
  readonly seeds?: readonly number[];
  /**
   * Top-level config fields with a value the schema must reject (`{ learningRate: -1 }`): each
   * must be an E_CONFIG error naming the field. An unknown field is always tried as well.
   */
  readonly badFields?: Readonly<Record<string, unknown>>;
  /**
   * Checks not to run, each with the reason: a sentence (not on any backend), or `{ on, reason }`
   * to skip it on some backends only (learning on SwiftShader's webgpu, which takes minutes).
   */
  readonly skip?: Readonly<Partial<Record<ConformanceCheck, ConformanceSkip>>>;
  /** Backends to run on (default `testBackends()`). */
  readonly backends?: readonly ConcreteBackendName[];
}

/** The options with every default filled in. */
export interface ResolvedConformanceOptions {
  readonly task: TaskSpec;
  readonly data: () => ConformanceData;
  readonly config: unknown;
  readonly batchSize: number;
  readonly steps: number;
  readonly learning: Required<LearningBar>;
  readonly seeds: readonly number[];
  readonly badFields: Readonly<Record<string, unknown>>;
  readonly skip: Readonly<Partial<Record<ConformanceCheck, ConformanceSkip>>>;
}

function usage(message: string, field: string): never {
  throw new PlasticityError('E_USAGE', `rule conformance options: ${message}`, { field });
}

function wholeNumber(value: number, least: number, field: string): number {
  if (!Number.isInteger(value) || value < least)
    usage(`${field} must be a whole number ≥ ${least}, got ${value}`, field);
  return value;
}

function fraction(value: number, field: string): number {
  if (!(value >= 0 && value <= 1)) usage(`${field} must be in [0, 1], got ${value}`, field);
  return value;
}

/** Fills defaults and checks the options (E_USAGE naming the field at fault). */
export function resolveConformanceOptions(options: RuleConformanceOptions): ResolvedConformanceOptions {
  const { task, data } = options;
  const chance = fraction(options.learning?.chance ?? 1 / task.outputs, 'learning.chance');
  const accuracy = fraction(options.learning?.accuracy ?? (1 + chance) / 2, 'learning.accuracy');
  if (accuracy <= chance)
    usage(`learning.accuracy ${accuracy} does not beat chance ${chance}`, 'learning.accuracy');
  const seeds = options.seeds ?? [0, 1, 2];
  if (new Set(seeds).size < 2) usage('seeds must hold at least two different seeds', 'seeds');
  const skip = options.skip ?? {};
  if (task.kind !== 'classification' && typeof skip.learning !== 'string') {
    usage(
      'the learning check scores classification accuracy; skip it for a regression task, with the reason',
      'skip',
    );
  }
  for (const [check, reason] of Object.entries(skip)) {
    if (!(CONFORMANCE_CHECKS as readonly string[]).includes(check)) {
      usage(`skip names an unknown check "${check}" (checks: ${CONFORMANCE_CHECKS.join(', ')})`, 'skip');
    }
    const sentence = typeof reason === 'string' ? reason : reason?.reason;
    if (typeof sentence !== 'string' || sentence.trim() === '') {
      usage(`skip.${check} needs the reason as a sentence`, 'skip');
    }
  }
  return {
    task,
    data: typeof data === 'function' ? data : () => data,
    config: options.config ?? {},
    batchSize: wholeNumber(options.batchSize ?? 16, 1, 'batchSize'),
    steps: wholeNumber(options.steps ?? 6, 2, 'steps'),
    learning: { epochs: wholeNumber(options.learning?.epochs ?? 10, 1, 'learning.epochs'), chance, accuracy },
    seeds,
    badFields: options.badFields ?? {},
    skip,
  };
}

/** True when `skip` takes `check` off `backend` (every backend for a plain reason). */
export function skips(
  skip: ResolvedConformanceOptions['skip'],
  check: ConformanceCheck,
  backend?: ConcreteBackendName,
): boolean {
  const entry = skip[check];
  if (entry === undefined) return false;
  return typeof entry === 'string' || (backend !== undefined && entry.on.includes(backend));
}
