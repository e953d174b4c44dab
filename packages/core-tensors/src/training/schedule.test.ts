import { describe, expect, test } from '@jest/globals';
import { isPlasticityError } from '../errors/plasticity-error.js';
import { learningRateAt } from './schedule.js';
import { DEFAULT_FIT_SETTINGS, parseFitSettings } from './settings-schema.js';
import type { FitSettings, LearningRateSchedule } from './settings.js';

const settings = (schedule: LearningRateSchedule, epochs = 4): FitSettings => ({
  ...DEFAULT_FIT_SETTINGS,
  learningRate: 0.1,
  epochs,
  schedule,
});
const rates = (s: FitSettings) => Array.from({ length: s.epochs }, (_, e) => learningRateAt(s, e));

describe('learningRateAt', () => {
  test('constant, step, exponential', () => {
    expect(rates(settings({ kind: 'constant' }))).toEqual([0.1, 0.1, 0.1, 0.1]);
    expect(rates(settings({ kind: 'step', factor: 0.5, every: 2 }))).toEqual([0.1, 0.1, 0.05, 0.05]);
    const exp = rates(settings({ kind: 'exponential', factor: 0.9 }));
    exp.forEach((r, e) => expect(r).toBeCloseTo(0.1 * 0.9 ** e, 15));
  });

  test('cosine: from lr towards lr·minFactor, as CosineAnnealingLR with T_max = epochs', () => {
    const r = rates(settings({ kind: 'cosine' }, 4));
    expect(r[0]).toBeCloseTo(0.1, 15);
    expect(r[1]).toBeCloseTo((0.1 * (1 + Math.cos(Math.PI / 4))) / 2, 15);
    expect(r[2]).toBeCloseTo(0.05, 15);
    expect(r[3]).toBeGreaterThan(0);
    const floor = rates(settings({ kind: 'cosine', minFactor: 0.1 }, 2));
    expect(floor[1]).toBeCloseTo(0.1 * (0.1 + 0.9 * 0.5), 15);
  });
});

describe('parseFitSettings', () => {
  test('fills defaults and keeps given values', () => {
    expect(parseFitSettings({})).toEqual(DEFAULT_FIT_SETTINGS);
    expect(parseFitSettings({ epochs: 3, schedule: { kind: 'step', factor: 0.5, every: 1 } })).toMatchObject({
      epochs: 3,
      schedule: { kind: 'step', factor: 0.5, every: 1 },
    });
  });

  test('bad values are one E_CONFIG naming each field and the source', () => {
    let error: unknown;
    try {
      parseFitSettings(
        { epochs: 0, batchSize: 2.5, learningRate: Number.NaN, schedule: { kind: 'linear' } },
        '--flags',
      );
    } catch (e) {
      error = e;
    }
    expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
    const message = (error as Error).message;
    expect(message).toMatch(/^Invalid training settings \(from --flags\): 4 problems/);
    expect(message).toMatch(/epochs: expected number ≥ 1, got 0/);
    expect(message).toMatch(/batchSize: expected integer, got 2\.5/);
    expect(message).toMatch(/learningRate: expected a finite number, got NaN/);
    expect(message).toMatch(
      /schedule\.kind: expected one of "constant" \| "step" \| "exponential" \| "cosine", got "linear"/,
    );
  });
});
