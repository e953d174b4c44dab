import type { ZodType } from 'zod';
import type { Learner } from './learner.js';
import type { TaskSpec } from './task.js';
import type { FitSettings } from '../training/settings.js';

/** A recommended setup of a rule for one dataset: what the CLI uses by default. */
export interface Recipe<Config> {
  readonly config?: Partial<Config>;
  readonly fit?: Partial<FitSettings>;
  /** One line on where the numbers come from. */
  readonly note?: string;
}

/** Where a rule comes from: its npm package. */
export interface RulePackage {
  readonly name: string;
  readonly version?: string;
}

/**
 * A learning rule as a plugin. `configSchema` validates a user's config and fills defaults;
 * `create` builds a learner for a task. Register with `registerRule`.
 */
export interface RulePlugin<Config = unknown> {
  /** Registry and CLI key, kebab-case (`'backprop'`, `'eventprop'`). */
  readonly name: string;
  readonly summary: string;
  readonly configSchema: ZodType<Config>;
  /** Recipes by dataset name (`'yinyang'`), optionally `'<dataset>:<preset>'` (`'mnist:paper'`). */
  readonly recipes?: Readonly<Record<string, Recipe<Config>>>;
  /**
   * The npm package the rule ships in (`{ name: '@plasticity/rule-backprop' }`). Optional; with
   * it, tools can say which package (and, looked up from its package.json, which version and
   * dependencies) a run used. `version` is only for code that has no package.json to look in.
   */
  readonly package?: RulePackage;
  /** Seed for initialisation comes from `seed`; rules must not use unseeded randomness. */
  create(config: Config, task: TaskSpec, seed: number): Learner;
}
