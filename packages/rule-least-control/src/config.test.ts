import { describe, expect, test } from '@jest/globals';
import {
  getRule,
  isPlasticityError,
  parseConfig,
  parseFitSettings,
  recipeKeys,
  resolveRecipe,
} from '@plasticity/core-tensors';
import type { TaskSpec } from '@plasticity/core-tensors';
import { leastControlRule } from './index.js';

const TASK: TaskSpec = { input: { kind: 'dense', shape: [2] }, outputs: 2, kind: 'classification' };

function configError(raw: unknown): { error: unknown; paths: string[] } {
  try {
    parseConfig(leastControlRule, raw, 'test.json');
  } catch (error) {
    const issues = (error as { details?: { issues?: { path: string }[] } }).details?.issues ?? [];
    return { error, paths: issues.map((i) => i.path) };
  }
  return { error: undefined, paths: [] };
}

test('importing the package registers the rule', () => {
  expect(getRule('least-control')).toBe(leastControlRule);
});

describe('config', () => {
  test('{} is valid and gets the documented defaults', () => {
    const config = parseConfig(leastControlRule, {});
    expect(config).toMatchObject({
      network: 'feedforward',
      hidden: [256],
      activation: 'tanh',
      solver: 'dynamics',
      feedback: 'inversion',
      alpha: 0.1,
      dt: 1,
      tauV: 1,
      tauU: 1,
      tauE: 1,
      stateInit: 'free',
      maxIterations: 200,
      tolerance: 1e-4,
      optimizer: 'adam',
      learningRate: 1e-3,
    });
    expect(config.linearFeedback.steps).toBe(20);
    expect(config.clipNorm).toBeUndefined();
  });

  test('a partial linearFeedback block is completed with defaults', () => {
    const config = parseConfig(leastControlRule, { linearFeedback: { steps: 5 } });
    expect(config.linearFeedback).toMatchObject({ steps: 5, noise: 0.1, modulate: true });
  });

  test.each([
    ['maxIterations', { maxIterations: -5 }],
    ['maxIterations', { maxIterations: 2.5 }],
    ['alpha', { alpha: Number.NaN }],
    ['alpha', { alpha: 0 }],
    ['tolerance', { tolerance: -1 }],
    ['tauU', { tauU: Number.POSITIVE_INFINITY }],
    ['solver', { solver: 'newton' }],
    ['feedback', { feedback: 'kollen-pollack' }],
    ['network', { network: 'conv' }],
    ['hidden', { hidden: [] }],
    ['hidden[1]', { hidden: [8, 0] }],
    ['linearFeedback.noise', { linearFeedback: { noise: -0.1 } }],
    ['linearFeedback.step', { linearFeedback: { step: 3 } }],
    ['maxIteration', { maxIteration: 10 }],
  ])('bad %s is an E_CONFIG error naming the field', (path, raw) => {
    const { error, paths } = configError(raw);
    expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
    expect(paths).toEqual([path]);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain('test.json');
  });

  test('linear feedback with the energy solver is an E_CONFIG error naming feedback', () => {
    const config = parseConfig(leastControlRule, { solver: 'energy', feedback: 'linear' });
    expect(() => leastControlRule.create(config, TASK, 0)).toThrow(
      expect.objectContaining({ code: 'E_CONFIG', details: expect.objectContaining({ field: 'feedback' }) }),
    );
  });

  test('a task without dense input is an E_CONFIG error', () => {
    const spikes: TaskSpec = {
      input: { kind: 'spikes', steps: 10, channels: 5, dt: 1 },
      outputs: 2,
      kind: 'classification',
    };
    expect(() => leastControlRule.create(parseConfig(leastControlRule, {}), spikes, 0)).toThrow(
      expect.objectContaining({
        code: 'E_CONFIG',
        details: expect.objectContaining({ field: 'task.input.kind' }),
      }),
    );
  });

  test('every recipe is a valid config with valid fit settings', () => {
    const keys = Object.keys(leastControlRule.recipes ?? {});
    expect(keys).toEqual(expect.arrayContaining(['mnist', 'mnist:paper', 'yinyang', 'fashion-mnist']));
    expect(recipeKeys(leastControlRule, 'mnist')).toEqual(['mnist', 'mnist:paper']);
    for (const key of keys) {
      const [dataset, preset] = key.split(':');
      const recipe = resolveRecipe(leastControlRule, dataset, preset);
      const parsed = parseConfig(leastControlRule, recipe.config);
      const settings = parseFitSettings(recipe.fit);
      expect(parsed.learningRate).toBe(settings.learningRate);
      expect(recipe.note).toBeTruthy();
    }
  });
});
