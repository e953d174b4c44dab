import { describe, expect, test } from '@jest/globals';
import { PlasticityError } from '@plasticity/core-tensors';
import { EXIT_FAILURE, EXIT_USAGE, exitCodeFor, formatError, wantsVerbose } from './errors.js';

describe('formatError', () => {
  const error = new PlasticityError('E_UNKNOWN_RULE', 'unknown rule "nope"; known rules: backprop', {
    name: 'nope',
  });

  test('one line with the code, no stack, by default', () => {
    const text = formatError(error, false);
    expect(text).toBe('error [E_UNKNOWN_RULE]: unknown rule "nope"; known rules: backprop\n');
  });

  test('stack, details and causes when verbose', () => {
    const wrapped = new PlasticityError(
      'E_CHECKPOINT',
      'bad checkpoint',
      { file: 'x' },
      { cause: new Error('inner') },
    );
    const text = formatError(wrapped, true);
    expect(text.split('\n')[0]).toBe('error [E_CHECKPOINT]: bad checkpoint');
    expect(text).toContain('details: {"file":"x"}');
    expect(text).toContain('caused by:');
    expect(text).toContain('Error: inner');
    expect(text).toMatch(/at .*errors\.test/);
  });

  test("a PlasticityError's message is shown in full (a config error lists each field)", () => {
    const config = new PlasticityError(
      'E_CONFIG',
      'Invalid config: 2 problems\n  - hidden: bad\n  - x: unknown',
    );
    expect(formatError(config, false)).toBe(
      'error [E_CONFIG]: Invalid config: 2 problems\n  - hidden: bad\n  - x: unknown\n',
    );
  });

  test('other errors: first line only, no code', () => {
    expect(formatError(new TypeError('boom\nsecond line'), false)).toBe('error: boom\n');
  });
});

test('usage-type codes exit 2, the rest 1', () => {
  expect(exitCodeFor(new PlasticityError('E_CONFIG', 'x'))).toBe(EXIT_USAGE);
  expect(exitCodeFor(new PlasticityError('E_UNKNOWN_DATASET', 'x'))).toBe(EXIT_USAGE);
  expect(exitCodeFor(new PlasticityError('E_BACKEND', 'x'))).toBe(EXIT_FAILURE);
  expect(exitCodeFor(new Error('x'))).toBe(EXIT_FAILURE);
});

test('verbose from --verbose or DEBUG', () => {
  expect(wantsVerbose(['train', '--verbose'], {})).toBe(true);
  expect(wantsVerbose([], { DEBUG: '1' })).toBe(true);
  expect(wantsVerbose([], { DEBUG: '0' })).toBe(false);
  expect(wantsVerbose([], { DEBUG: '' })).toBe(false);
  expect(wantsVerbose([], {})).toBe(false);
});
