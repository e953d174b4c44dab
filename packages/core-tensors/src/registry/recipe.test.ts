import { describe, expect, test } from '@jest/globals';
import { z } from 'zod';
import type { RulePlugin } from '../contract/plugin.js';
import { isPlasticityError } from '../errors/plasticity-error.js';
import { recipeKeys, resolveRecipe } from './recipe.js';

const rule: RulePlugin<{ hidden: number[] }> = {
  name: 'demo',
  summary: 'demo',
  configSchema: z.strictObject({ hidden: z.array(z.number()).default([8]) }),
  recipes: {
    yinyang: { config: { hidden: [120] }, fit: { epochs: 300 }, note: 'Göltz et al.' },
    mnist: { config: { hidden: [256] } },
    'mnist:paper': { config: { hidden: [800] }, fit: { epochs: 50 } },
    'mnist:fast': { fit: { epochs: 2 } },
  },
  create: () => undefined as never,
};

describe('resolveRecipe', () => {
  test('dataset recipe, preset recipe, and defaults when there is none', () => {
    expect(resolveRecipe(rule, 'yinyang')).toEqual({
      key: 'yinyang',
      config: { hidden: [120] },
      fit: { epochs: 300 },
      note: 'Göltz et al.',
    });
    expect(resolveRecipe(rule, 'mnist', 'paper')).toMatchObject({ key: 'mnist:paper', fit: { epochs: 50 } });
    expect(resolveRecipe(rule, 'shd')).toEqual({});
    expect(recipeKeys(rule, 'mnist')).toEqual(['mnist', 'mnist:paper', 'mnist:fast']);
  });

  test('an unknown preset is E_CONFIG naming the presets that exist', () => {
    let error: unknown;
    try {
      resolveRecipe(rule, 'mnist', 'papr');
    } catch (e) {
      error = e;
    }
    expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
    expect((error as Error).message).toBe(
      'rule "demo" has no preset "papr" for dataset "mnist"; available presets: paper, fast',
    );
    expect(() => resolveRecipe(rule, 'yinyang', 'paper')).toThrow('it has no presets for "yinyang"');
  });
});
