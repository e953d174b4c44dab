import { describe, expect, test } from '@jest/globals';
import { isPlasticityError } from '@plasticity/core-tensors';
import { parseEasgdConfig } from './config.js';

function configError(raw: unknown): Error {
  try {
    parseEasgdConfig(raw);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected parseEasgdConfig to throw');
}

describe('parseEasgdConfig', () => {
  test('fills the paper defaults: beta 0.9, alpha = beta / p, delta 0.99', () => {
    const { config, warnings } = parseEasgdConfig({ workers: 4, tau: 16 });
    expect(config).toEqual({
      method: 'easgd',
      workers: 4,
      tau: 16,
      beta: 0.9,
      alpha: 0.225,
      delta: 0.99,
      synchronous: false,
    });
    expect(warnings).toEqual([]);
  });

  test('bad fields throw E_CONFIG naming the field', () => {
    for (const [raw, field] of [
      [{ workers: 0 }, 'workers'],
      [{ workers: 2, tau: 0 }, 'tau'],
      [{ workers: 2, tau: 1.5 }, 'tau'],
      [{ workers: 2, method: 'hogwild' }, 'method'],
      [{ workers: 2, delta: 1 }, 'delta'],
      [{ workers: 2, alpha: -0.1 }, 'alpha'],
      [{ workers: 2, taus: 3 }, 'taus'],
    ] as const) {
      const error = configError(raw);
      expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
      expect(error.message).toContain(field);
    }
  });

  test('beta >= 2 is refused, beta > 1 is warned', () => {
    const refused = configError({ workers: 4, beta: 2 });
    expect(isPlasticityError(refused, 'E_CONFIG')).toBe(true);
    expect(refused.message).toContain('beta');
    const { config, warnings } = parseEasgdConfig({ workers: 4, beta: 1.2 });
    expect(config.alpha).toBeCloseTo(0.3, 12);
    expect(warnings.some((w) => w.includes('beta = 1.2'))).toBe(true);
  });

  test('synchronous rounds are refused for downpour, which has no elastic exchange', () => {
    const error = configError({ method: 'downpour', workers: 2, synchronous: true });
    expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
    expect((error as { details?: unknown }).details).toMatchObject({ field: 'synchronous' });
    expect(parseEasgdConfig({ method: 'eamsgd', workers: 2, synchronous: true }).config.synchronous).toBe(
      true,
    );
  });

  test('an alpha of 1 or more is refused (the worker would jump past the center)', () => {
    const error = configError({ workers: 1, beta: 1.5 });
    expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
    expect(error.message).toContain('alpha');
  });

  test('an explicit alpha far from beta / p is warned, a matching one is not', () => {
    expect(parseEasgdConfig({ workers: 4, alpha: 0.225 }).warnings).toEqual([]);
    expect(parseEasgdConfig({ workers: 4, alpha: 0.6 }).warnings.join(' ')).toContain('p·alpha');
  });
});
