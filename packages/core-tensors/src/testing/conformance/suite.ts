import { parseConfig } from '../../registry/config.js';
import type { RulePlugin } from '../../contract/plugin.js';
import { PlasticityError } from '../../errors/plasticity-error.js';
import { testBackends, useBackend } from '../backends.js';
import { checkConfig } from './config-check.js';
import type { CheckContext } from './context.js';
import { ConformanceFailure } from './failure.js';
import { checkLearning } from './learning-check.js';
import { checkDispose, checkLeaks, checkPredict, checkSeeds } from './learner-checks.js';
import { CONFORMANCE_CHECKS, resolveConformanceOptions, skips } from './options.js';
import type { ConformanceCheck, RuleConformanceOptions } from './options.js';
import { checkCheckpoint, checkResume } from './resume-checks.js';

const BACKEND_CHECKS: Readonly<
  Record<Exclude<ConformanceCheck, 'config'>, (context: CheckContext) => Promise<void>>
> = {
  seeds: checkSeeds,
  leaks: checkLeaks,
  predict: checkPredict,
  resume: checkResume,
  checkpoint: checkCheckpoint,
  learning: checkLearning,
  dispose: checkDispose,
};

/** One line per check, for test titles. */
export const CONFORMANCE_CHECK_TITLES: Readonly<Record<ConformanceCheck, string>> = {
  config: 'config: the schema round-trips and bad fields are E_CONFIG errors naming them',
  seeds: 'seeds: create gives the same params for a seed and others for another seed',
  leaks: 'leaks: trainStep and predict leave no tensors behind over many steps',
  predict: 'predict: scores are [B, outputs]; input forms the task does not use are E_SHAPE',
  resume: 'resume: saveState/loadState continue a run exactly',
  checkpoint: 'checkpoint: params and state round-trip through safetensors files',
  learning: 'learning: the tiny task is learned well above chance',
  dispose: 'dispose: frees every tensor the learner made',
};

/**
 * Runs one conformance check of `plugin` on the active backend. Resolves when the rule passes;
 * rejects with a `ConformanceFailure` naming the check and what was found (bad options are an
 * E_USAGE error). Runner-agnostic: call it from any test framework, or from none.
 */
export async function checkRuleConformance<Config>(
  plugin: RulePlugin<Config>,
  options: RuleConformanceOptions,
  check: ConformanceCheck,
): Promise<void> {
  const resolved = resolveConformanceOptions(options);
  try {
    if (check === 'config') return checkConfig(plugin as RulePlugin, resolved);
    const context: CheckContext = {
      plugin: plugin as RulePlugin,
      options: resolved,
      config: parseConfig(plugin, resolved.config),
    };
    await BACKEND_CHECKS[check](context);
  } catch (error) {
    throw new ConformanceFailure(plugin.name, check, error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
}

/** The `describe` and `test` of a test framework (Jest's, Vitest's, node:test's). */
export interface TestRunner {
  describe(name: string, body: () => void): unknown;
  test(name: string, body: () => Promise<void>): unknown;
}

function globalRunner(): TestRunner {
  const scope = globalThis as Partial<TestRunner>;
  if (typeof scope.describe !== 'function' || typeof scope.test !== 'function') {
    throw new PlasticityError(
      'E_USAGE',
      'describeRuleConformance: no global describe/test here; pass { runner: { describe, test } } from your test framework',
    );
  }
  return { describe: scope.describe, test: scope.test };
}

/**
 * Registers the rule conformance suite as tests: the config check once, every other check on
 * each backend (default `testBackends()`), except where `options.skip` takes them off with a reason.
 * `runner` defaults to the global `describe`/`test` (Jest, Vitest with globals); pass node:test's
 * explicitly. Await it at the top level of a test file.
 */
export async function describeRuleConformance<Config>(
  plugin: RulePlugin<Config>,
  options: RuleConformanceOptions & { readonly runner?: TestRunner },
): Promise<void> {
  const { skip } = resolveConformanceOptions(options);
  const runner = options.runner ?? globalRunner();
  const backends = options.backends ?? (await testBackends());
  runner.describe(`rule conformance: ${plugin.name}`, () => {
    if (!skips(skip, 'config')) {
      runner.test(CONFORMANCE_CHECK_TITLES.config, () => checkRuleConformance(plugin, options, 'config'));
    }
    for (const backend of backends) {
      runner.describe(backend, () => {
        for (const check of CONFORMANCE_CHECKS) {
          if (check === 'config' || skips(skip, check, backend)) continue;
          runner.test(CONFORMANCE_CHECK_TITLES[check], async () => {
            await useBackend(backend);
            await checkRuleConformance(plugin, options, check);
          });
        }
      });
    }
  });
}
