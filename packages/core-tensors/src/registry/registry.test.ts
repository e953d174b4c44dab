import { afterEach, describe, expect, test } from '@jest/globals';
import { z } from 'zod';
import type { RulePlugin } from '../contract/plugin.js';
import { isPlasticityError } from '../errors/plasticity-error.js';
import { getRule, listRules, registerRule, unregisterRule } from './registry.js';

function plugin(name: string): RulePlugin<{ lr: number }> {
  return {
    name,
    summary: `the ${name} rule`,
    configSchema: z.strictObject({ lr: z.number().default(0.1) }),
    create: () => {
      throw new Error('not used');
    },
  };
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

afterEach(() => {
  for (const rule of listRules()) unregisterRule(rule.name);
});

describe('rule registry', () => {
  test('register, get, list (sorted)', () => {
    const b = registerRule(plugin('zeta'));
    const a = registerRule(plugin('alpha'));
    expect(getRule('zeta')).toBe(b);
    expect(listRules()).toEqual([a, b]);
  });

  test('registering the same plugin twice is a no-op; a different one is E_DUPLICATE_RULE', () => {
    const p = plugin('backprop');
    registerRule(p);
    expect(registerRule(p)).toBe(p);
    const error = thrown(() => registerRule(plugin('backprop')));
    expect(isPlasticityError(error, 'E_DUPLICATE_RULE')).toBe(true);
    expect(error.message).toMatch(/"backprop" is already registered/);
  });

  test('an unknown rule is E_UNKNOWN_RULE listing the known ones and a close match', () => {
    registerRule(plugin('eventprop'));
    registerRule(plugin('backprop'));
    const error = thrown(() => getRule('evenprop'));
    expect(isPlasticityError(error, 'E_UNKNOWN_RULE')).toBe(true);
    expect(error.message).toMatch(
      /unknown rule "evenprop"; registered rules: backprop, eventprop\. Did you mean "eventprop"\?/,
    );
    expect((error as unknown as { details: { known: string[] } }).details.known).toEqual([
      'backprop',
      'eventprop',
    ]);
    expect(thrown(() => getRule('x')).message).toMatch(/registered rules: backprop, eventprop\. \(/);
  });

  test('with nothing registered the error says so', () => {
    expect(thrown(() => getRule('backprop')).message).toMatch(/registered rules: none/);
  });

  test('names must be kebab-case and plugins complete', () => {
    for (const name of ['Backprop', 'back_prop', '', '-x', 'x-']) {
      expect(
        isPlasticityError(
          thrown(() => registerRule(plugin(name))),
          'E_USAGE',
        ),
      ).toBe(true);
    }
    const incomplete = { ...plugin('ok'), create: undefined } as unknown as RulePlugin;
    expect(
      isPlasticityError(
        thrown(() => registerRule(incomplete)),
        'E_USAGE',
      ),
    ).toBe(true);
  });

  test('unregisterRule removes', () => {
    registerRule(plugin('tmp'));
    expect(unregisterRule('tmp')).toBe(true);
    expect(unregisterRule('tmp')).toBe(false);
  });
});
