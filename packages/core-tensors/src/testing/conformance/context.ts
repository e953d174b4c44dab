import type { Learner } from '../../contract/learner.js';
import type { RulePlugin } from '../../contract/plugin.js';
import type { ResolvedConformanceOptions } from './options.js';
import { holdBatches } from './tensors.js';
import type { HeldBatches } from './tensors.js';

/** What every check gets: the rule, the resolved options and the parsed config. */
export interface CheckContext<Config = unknown> {
  readonly plugin: RulePlugin<Config>;
  readonly options: ResolvedConformanceOptions;
  readonly config: Config;
}

/** Runs `body` with a new learner made with `seed`, disposing it afterwards (also on failure). */
export async function withLearner<T>(
  context: CheckContext,
  seed: number,
  body: (learner: Learner) => Promise<T>,
): Promise<T> {
  const learner = context.plugin.create(context.config, context.options.task, seed);
  try {
    return await body(learner);
  } finally {
    learner.dispose();
  }
}

/** Runs `body` with `count` training batches held in memory, disposing them afterwards. */
export async function withBatches<T>(
  context: CheckContext,
  count: number,
  body: (batches: HeldBatches['batches']) => Promise<T>,
): Promise<T> {
  const held = await holdBatches(context.options.data().train, context.options.batchSize, count);
  try {
    return await body(held.batches);
  } finally {
    held.dispose();
  }
}

/** The first seed of the options: the one every single-learner check uses. */
export function firstSeed(context: CheckContext): number {
  return context.options.seeds[0];
}
