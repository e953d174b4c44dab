import { describe, expect, test } from '@jest/globals';
import { paramName } from './param-names.js';

describe('paramName', () => {
  test('names weights as PyTorch state dicts do (checkpoints depend on it)', () => {
    expect(paramName(0, 'kernel')).toBe('layers.0.kernel');
    expect(paramName(2, 'bias')).toBe('layers.2.bias');
    expect(paramName(11, 'recurrent')).toBe('layers.11.recurrent');
  });
});
