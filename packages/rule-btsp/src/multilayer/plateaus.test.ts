import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@plasticity/core-tensors/testing';
import { selectPlateaus } from './plateaus.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const SIGNAL = [
  [0.9, 0.1, -0.7, 0.5, -0.2, 0.3, 0, -0.9],
  [-0.1, 0.2, 0.4, -0.3, 0.6, -0.8, 0.05, 0.7],
];
const ALL_ACTIVE = SIGNAL.map((row) => row.map(() => 1));

const plateaus = (
  signal: number[][],
  activity: number[][],
  options: { fraction: number; reluGate: boolean; uniforms?: number[][] },
) =>
  tf.tidy(() =>
    selectPlateaus(tf.tensor2d(signal), tf.tensor2d(activity), {
      fraction: options.fraction,
      reluGate: options.reluGate,
      uniforms: options.uniforms ? tf.tensor2d(options.uniforms) : undefined,
    }).arraySync(),
  );

describe('selectPlateaus', () => {
  test('fraction 1: every unit with a signal plateaus, with the signal as its value', () => {
    expect(plateaus(SIGNAL, ALL_ACTIVE, { fraction: 1, reluGate: true })).toEqual(
      SIGNAL.map((row) => row.map((v) => Math.fround(v))),
    );
  });

  test('a top fraction keeps the strongest positive and the strongest negative signals of each row', () => {
    // 8 units × 0.25 → 2 of each sign per sample.
    const result = plateaus(SIGNAL, ALL_ACTIVE, { fraction: 0.25, reluGate: true });
    const f = Math.fround;
    expect(result[0]).toEqual([f(0.9), 0, f(-0.7), f(0.5), 0, 0, 0, f(-0.9)]);
    expect(result[1]).toEqual([0, 0, 0, f(-0.3), f(0.6), f(-0.8), 0, f(0.7)]);
  });

  test('the fraction rounds up: at least one unit of each sign', () => {
    const result = plateaus(SIGNAL, ALL_ACTIVE, { fraction: 0.01, reluGate: true });
    expect(result[0].filter((v) => v > 0)).toEqual([Math.fround(0.9)]);
    expect(result[0].filter((v) => v < 0)).toEqual([Math.fround(-0.9)]);
  });

  test('with the ReLU gate, units silent in the forward pass never plateau', () => {
    const activity = SIGNAL.map((row) => row.map((_, i) => (i % 2 === 0 ? 0 : 0.5)));
    const result = plateaus(SIGNAL, activity, { fraction: 0.25, reluGate: true });
    result.forEach((row) => row.forEach((v, i) => i % 2 === 0 && expect(v).toBe(0)));
    // Without the gate the silent units compete too.
    const ungated = plateaus(SIGNAL, activity, { fraction: 0.25, reluGate: false });
    expect(ungated[0][0]).toBeCloseTo(0.9, 6);
  });

  test('stochastic: a unit is a candidate only where its uniform is below |signal|', () => {
    const uniforms = SIGNAL.map((row) => row.map((_, i) => (i < 4 ? 0.95 : 0)));
    const result = plateaus(SIGNAL, ALL_ACTIVE, { fraction: 1, reluGate: true, uniforms });
    result.forEach((row, b) => row.forEach((v, i) => expect(v).toBeCloseTo(i < 4 ? 0 : SIGNAL[b][i], 6)));
  });
});
