import { describe, expect, test } from '@jest/globals';
import { z } from 'zod';
import type { RulePlugin } from '../contract/plugin.js';
import { isPlasticityError } from '../errors/plasticity-error.js';
import type { PlasticityError } from '../errors/plasticity-error.js';
import { parseConfig } from './config.js';
import type { ConfigIssue } from './validate.js';

const schema = z.strictObject({
  hidden: z.array(z.number().int().min(1)).min(1).default([120]),
  activation: z.enum(['relu', 'tanh']).default('relu'),
  learningRate: z.number().positive().default(1e-3),
  optimizer: z.strictObject({ beta1: z.number().min(0).max(1).default(0.9) }).default({ beta1: 0.9 }),
  extra: z.any().optional(),
});
type Config = z.infer<typeof schema>;
const rule: RulePlugin<Config> = {
  name: 'demo',
  summary: 'demo',
  configSchema: schema,
  create: () => undefined as never,
};

function configError(raw: unknown, source?: string): PlasticityError {
  try {
    parseConfig(rule, raw, source);
  } catch (error) {
    if (isPlasticityError(error, 'E_CONFIG')) return error;
    throw error;
  }
  throw new Error('expected E_CONFIG');
}

const issues = (e: PlasticityError) => (e.details as { issues: ConfigIssue[] }).issues;

describe('parseConfig', () => {
  test('fills defaults', () => {
    expect(parseConfig(rule, {})).toEqual({
      hidden: [120],
      activation: 'relu',
      learningRate: 1e-3,
      optimizer: { beta1: 0.9 },
    });
    expect(parseConfig(rule, undefined).hidden).toEqual([120]);
    expect(parseConfig(rule, { hidden: [4, 8], activation: 'tanh' })).toMatchObject({
      hidden: [4, 8],
      activation: 'tanh',
    });
  });

  test('one error lists every bad field with its path, expected and got, and the source', () => {
    const error = configError(
      { hidden: [4, 'x', 0], activation: 'gelu', learningRate: -1, optimizer: { beta1: 2 }, lerningRate: 3 },
      'config.json',
    );
    expect(error.message.split('\n')).toEqual([
      'Invalid config for rule "demo" (from config.json): 6 problems',
      '  - hidden[1]: expected number, got "x"',
      '  - hidden[2]: expected number ≥ 1, got 0',
      '  - activation: expected one of "relu" | "tanh", got "gelu"',
      '  - learningRate: expected number > 0, got -1',
      '  - optimizer.beta1: expected number ≤ 1, got 2',
      '  - lerningRate: expected no such field (unknown key; check the spelling), got 3',
    ]);
    expect(error.details).toMatchObject({ rule: 'demo', source: 'config.json' });
    expect(issues(error)).toHaveLength(6);
  });

  test('NaN and Infinity are rejected, even where the schema allows anything', () => {
    const error = configError({ learningRate: Number.NaN, extra: { deep: [1, Infinity] } }, '--lr');
    expect(issues(error)).toEqual([
      { path: 'learningRate', expected: 'a finite number', received: 'NaN' },
      { path: 'extra.deep[1]', expected: 'a finite number', received: 'Infinity' },
    ]);
    expect(error.message).toMatch(/\(from --lr\)/);
  });

  test('wrong top-level type, missing source', () => {
    const error = configError(5);
    expect(error.message).toBe(
      'Invalid config for rule "demo": 1 problem\n  - (top level): expected object, got 5',
    );
  });
});
