import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import '../../gradients.js';
import { blobs } from '../../__fixtures__/blobs.js';
import { BLOBS_TASK, BREAKAGES, conformanceRule } from '../../__fixtures__/conformance-rule.js';
import { isPlasticityError } from '../../errors/plasticity-error.js';
import {
  CONFORMANCE_CHECKS,
  ConformanceFailure,
  checkRuleConformance,
  describeRuleConformance,
  memorySplit,
  useBackend,
} from '../index.js';
import type { RuleConformanceOptions, TestRunner } from '../index.js';

const train = blobs(96, 1);
const held = blobs(60, 2);
const OPTIONS: RuleConformanceOptions = {
  task: BLOBS_TASK,
  data: { train: memorySplit(train.x, train.y, [4]), test: memorySplit(held.x, held.y, [4]) },
  badFields: { learningRate: -1 },
  learning: { epochs: 4 },
};

// The healthy fixture through the Jest wrapper, on every backend.
await describeRuleConformance(conformanceRule(), OPTIONS);

describe('each check fails on the fixture broken for it', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  test.each(CONFORMANCE_CHECKS.map((check) => [check, BREAKAGES[check]] as const))(
    '%s: %s',
    async (check) => {
      const start = tf.memory().numTensors;
      const failure = await checkRuleConformance(conformanceRule(check), OPTIONS, check).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ConformanceFailure);
      expect(failure).toMatchObject({ rule: `broken-${check}`, check });
      expect((failure as Error).message).toMatch(`rule "broken-${check}" fails the ${check} check: `);
      // A failing check still frees what it made (the leaking rules excepted).
      if (check !== 'leaks' && check !== 'dispose') expect(tf.memory().numTensors).toBe(start);
    },
  );

  test('the failures say what was found', async () => {
    const message = async (check: (typeof CONFORMANCE_CHECKS)[number]) =>
      checkRuleConformance(conformanceRule(check), OPTIONS, check).then(
        () => '',
        (error: Error) => error.message,
      );
    expect(await message('config')).toMatch(
      /unknown field "conformanceUnknownField" .* was accepted silently/,
    );
    expect(await message('seeds')).toMatch(/seeds 0 and 1 give identical parameters/);
    expect(await message('leaks')).toMatch(/tensor leak: 6 more live tensors after 6 calls/);
    expect(await message('predict')).toMatch(/predict returned \[3,16\], expected \[16,3\]/);
    expect(await message('resume')).toMatch(
      /resumed after 3 steps, 3 more steps give other params: "[wb]"\[\d+\]/,
    );
    expect(await message('checkpoint')).toMatch(/dtype string cannot be saved/);
    expect(await message('learning')).toMatch(
      /accuracy 0\.\d+ after 4 epochs, below the bar 0\.667 \(chance 0\.333\)/,
    );
    expect(await message('dispose')).toMatch(/2 tensors still live after dispose/);
  });
});

describe('options and runners', () => {
  test('bad options are E_USAGE errors naming the field', async () => {
    const usage = (options: Partial<RuleConformanceOptions>) =>
      checkRuleConformance(conformanceRule(), { ...OPTIONS, ...options }, 'seeds').then(
        () => undefined,
        (error: unknown) => (isPlasticityError(error, 'E_USAGE') ? error.details?.field : error),
      );
    expect(await usage({ seeds: [4, 4] })).toBe('seeds');
    expect(await usage({ steps: 1 })).toBe('steps');
    expect(await usage({ learning: { chance: 0.5, accuracy: 0.4 } })).toBe('learning.accuracy');
    expect(await usage({ skip: { learning: ' ' } })).toBe('skip');
    expect(await usage({ skip: { learning: { on: ['webgpu'], reason: '' } } })).toBe('skip');
    expect(await usage({ skip: { speed: 'fast' } as never })).toBe('skip');
    expect(await usage({ task: { ...BLOBS_TASK, kind: 'regression' } })).toBe('skip');
    const regression = {
      task: { ...BLOBS_TASK, kind: 'regression' },
      skip: { learning: 'a regression' },
    } as const;
    expect(await usage(regression)).toBeUndefined();
  });

  test('describeRuleConformance registers the config check once and the others per backend, minus the skipped', async () => {
    const titles: string[] = [];
    const path: string[] = [];
    const runner: TestRunner = {
      describe(name, body) {
        path.push(name);
        body();
        path.pop();
      },
      test(name) {
        titles.push([...path, name.split(':')[0]].join(' / '));
      },
    };
    await describeRuleConformance(conformanceRule(), {
      ...OPTIONS,
      runner,
      backends: ['cpu', 'wasm'],
      skip: {
        resume: 'no optimiser state',
        checkpoint: 'no optimiser state',
        learning: { on: ['wasm'], reason: 'slow there' },
      },
    });
    const perBackend = ['seeds', 'leaks', 'predict', 'learning', 'dispose'];
    expect(titles).toEqual([
      'rule conformance: healthy / config',
      ...perBackend.map((c) => `rule conformance: healthy / cpu / ${c}`),
      ...perBackend.filter((c) => c !== 'learning').map((c) => `rule conformance: healthy / wasm / ${c}`),
    ]);
  });
});
