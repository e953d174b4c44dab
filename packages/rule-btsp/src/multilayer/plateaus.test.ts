import { describe, expect, test } from '@jest/globals';
import { selectPlateaus } from './plateaus.js';

const SIGNAL = [0.9, 0.1, -0.7, 0.5, -0.2, 0.3, 0, -0.9];
const ALL_ACTIVE = SIGNAL.map(() => 1);

function plateaus(signal: number[], rates: number[], count: number, uniforms?: number[]): number[] {
  const out = new Float32Array(signal.length).fill(7); // overwritten everywhere
  selectPlateaus(
    Float32Array.from(signal),
    Float32Array.from(rates),
    { count, uniforms: uniforms ? Float32Array.from(uniforms) : undefined },
    out,
  );
  return Array.from(out, (v) => Math.round(v * 1e6) / 1e6);
}

describe('selectPlateaus', () => {
  test('a count as large as the layer: every active unit with a signal plateaus, with the signal as its value', () => {
    expect(plateaus(SIGNAL, ALL_ACTIVE, 8)).toEqual([0.9, 0.1, -0.7, 0.5, -0.2, 0.3, 0, -0.9]);
  });

  test('keeps the strongest `count` positive and the strongest `count` negative signals', () => {
    expect(plateaus(SIGNAL, ALL_ACTIVE, 2)).toEqual([0.9, 0, -0.7, 0.5, 0, 0, 0, -0.9]);
    expect(plateaus(SIGNAL, ALL_ACTIVE, 1)).toEqual([0.9, 0, 0, 0, 0, 0, 0, -0.9]);
  });

  test('ties go to the lower index', () => {
    expect(plateaus([0.4, 0.4, 0.4, -0.4, -0.4], [1, 1, 1, 1, 1], 2)).toEqual([0.4, 0.4, 0, -0.4, -0.4]);
  });

  test('units silent in the forward pass never plateau, however strong their signal', () => {
    const rates = [0, 1, 1, 0, 1, 1, 1, 0];
    expect(plateaus(SIGNAL, rates, 1)).toEqual([0, 0, -0.7, 0, 0, 0.3, 0, 0]);
  });

  test('stochastic: a unit is a candidate only where its uniform is below |signal|', () => {
    const uniforms = [0.95, 0.05, 0.5, 0.6, 0.1, 0.2, 0, 0.99];
    // candidates: 1 (0.05 < 0.1), 2 (0.5 < 0.7), 4 (0.1 < 0.2), 5 (0.2 < 0.3); then the strongest per sign.
    expect(plateaus(SIGNAL, ALL_ACTIVE, 1, uniforms)).toEqual([0, 0, -0.7, 0, 0, 0.3, 0, 0]);
  });
});
