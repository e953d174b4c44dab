import { describe, expect, test } from '@jest/globals';
import { z } from 'zod';
import type { ExperimentPlugin } from '../contract/experiment.js';
import { isPlasticityError } from '../errors/plasticity-error.js';
import { getExperiment, listExperiments, registerExperiment, unregisterExperiment } from './experiments.js';

const make = (name: string): ExperimentPlugin<{ n: number }> => ({
  name,
  summary: name,
  optionsSchema: z.strictObject({ n: z.number().default(1) }),
  run: async (options) => ({ figures: { n: options.n }, charts: [] }),
});

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('the experiment registry', () => {
  test('registers, finds, lists sorted and removes', async () => {
    const b = registerExperiment(make('reg-test-b'));
    const a = registerExperiment(make('reg-test-a'));
    expect(getExperiment('reg-test-a')).toBe(a);
    const names = listExperiments().map((e) => e.name);
    expect(names.indexOf('reg-test-a')).toBeLessThan(names.indexOf('reg-test-b'));
    expect(registerExperiment(b)).toBe(b); // the same object again: a no-op
    expect(unregisterExperiment('reg-test-a')).toBe(true);
    expect(unregisterExperiment('reg-test-a')).toBe(false);
    unregisterExperiment('reg-test-b');
  });

  test('a second, different experiment of one name is refused', () => {
    registerExperiment(make('reg-test-dup'));
    const error = errorOf(() => registerExperiment(make('reg-test-dup')));
    expect(isPlasticityError(error, 'E_DUPLICATE_RULE')).toBe(true);
    unregisterExperiment('reg-test-dup');
  });

  test('names must be kebab-case; run and a zod schema are required', () => {
    expect(
      isPlasticityError(
        errorOf(() => registerExperiment(make('Bad_Name'))),
        'E_USAGE',
      ),
    ).toBe(true);
    const noRun = { ...make('reg-test-norun'), run: undefined } as unknown as ExperimentPlugin;
    expect((errorOf(() => registerExperiment(noRun)) as Error).message).toContain('needs a run() function');
  });

  test('an unknown name lists the known ones and suggests the closest', () => {
    registerExperiment(make('reg-test-place-field'));
    const error = errorOf(() => getExperiment('reg-test-place-feld')) as Error;
    expect(isPlasticityError(error, 'E_USAGE')).toBe(true);
    expect(error.message).toContain('Did you mean "reg-test-place-field"?');
    unregisterExperiment('reg-test-place-field');
  });
});
