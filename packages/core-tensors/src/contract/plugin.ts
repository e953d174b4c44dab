import type { ZodType } from 'zod';
import type { Learner, ParamMap } from './learner.js';
import type { InputSpec, TaskSpec } from './task.js';
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
 * What one of a rule's step metrics is, for reports and charts: `label` names the quantity
 * honestly (a rule's `loss` is its own training objective, not the evaluation cross-entropy),
 * `unit` goes on the axis (omitted for dimensionless numbers).
 */
export interface MetricDescription {
  readonly label: string;
  readonly unit?: string;
  /** One sentence on how it is computed, shown under the chart. */
  readonly description?: string;
}

/**
 * The hidden-activity metrics spiking rules share (EventProp, BPTT), one definition so the two
 * stay comparable: the rate is in Hz (spikes per hidden neuron per second of simulated time,
 * averaged over the batch), which compares across datasets with different trial lengths.
 */
export const HIDDEN_ACTIVITY_METRICS: Readonly<Record<'hiddenRate' | 'silentFraction', MetricDescription>> = {
  hiddenRate: { label: 'hidden firing rate', unit: 'Hz' },
  silentFraction: { label: 'hidden neurons silent all batch', unit: 'fraction' },
};

/**
 * A spiking learner's network as a chain of `@plasticity/neurons` layer specs with its weights:
 * what `plasticity export --nir` writes (through the neurons package's NIR export).
 */
export interface LayerChain {
  /** `@plasticity/neurons` layer specs (`{ type: 'dense', units }`, `{ type: 'lif', ... }`, ...). */
  readonly layers: readonly { readonly type: string }[];
  /** Per-sample input shape of the first layer. */
  readonly inputShape: readonly number[];
  /** Simulation step in ms. */
  readonly dt: number;
  /** Weights by the chain's names (`layers.<i>.kernel`, `.bias`, `.recurrent`). */
  readonly params: ParamMap;
}

/** What `RulePlugin.layerChain` may be told. */
export interface LayerChainOptions {
  /** Step in ms for a network that runs in continuous time (event-driven rules need it). */
  readonly dt?: number;
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
  /** Labels and units of the step metrics `trainStep` reports (`loss` included), by name. */
  readonly metrics?: Readonly<Record<string, MetricDescription>>;
  /**
   * The input kinds `create` accepts (`['dense']` for an MLP). The CLI refuses a data set of
   * another kind before loading it; unset means undeclared (only `create` checks).
   */
  readonly inputs?: readonly InputSpec['kind'][];
  /**
   * The npm package the rule ships in (`{ name: '@plasticity/rule-backprop' }`). Optional; with
   * it, tools can say which package (and, looked up from its package.json, which version and
   * dependencies) a run used. `version` is only for code that has no package.json to look in.
   */
  readonly package?: RulePackage;
  /** Seed for initialisation comes from `seed`; rules must not use unseeded randomness. */
  create(config: Config, task: TaskSpec, seed: number): Learner;
  /**
   * The network of a learner `create` made, as a layer chain (spiking rules whose networks are
   * one); undefined when this config's form has none. Optional. A rule whose network runs in
   * continuous time (event-driven) has no step of its own: it needs `options.dt`, the step in ms
   * that stepped simulators of the chain will use, and its chain carries that dt. A stepped rule's
   * chain carries its own dt.
   */
  layerChain?(
    learner: Learner,
    config: Config,
    task: TaskSpec,
    options?: LayerChainOptions,
  ): LayerChain | undefined;
}
