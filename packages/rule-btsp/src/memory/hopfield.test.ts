import { describe, expect, test } from '@jest/globals';
import { createRng } from '@plasticity/core-tensors';
import { getBit } from './bits.js';
import {
  binariseHopfield,
  createHopfield,
  recallBinarisedHopfield,
  recallHopfield,
  storeHopfield,
} from './hopfield.js';
import { activeOf, randomPatterns, removeFraction } from './patterns.js';

const size = 60;
const density = 0.1;

/** The covariance rule written out densely: w_ij = Σ (x_i - p)(x_j - p) / size, w_ii = 0. */
function denseWeights(items: Int32Array[]): number[][] {
  const w = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (const active of items) {
    const x = new Array<number>(size).fill(0);
    for (const i of active) x[i] = 1;
    for (let i = 0; i < size; i++)
      for (let j = 0; j < size; j++) if (i !== j) w[i][j] += ((x[i] - density) * (x[j] - density)) / size;
  }
  return w;
}

/** Synchronous updates on dense weights until a fixed point. */
function denseRecall(
  w: number[][],
  cue: Int32Array,
  fire: (field: number, active: number, i: number) => boolean,
): boolean[] {
  let s = new Array<boolean>(size).fill(false);
  for (const i of cue) s[i] = true;
  for (let t = 0; t < 10; t++) {
    const active = s.filter(Boolean).length;
    const next = s.map((_, i) =>
      fire(
        s.reduce((f, on, j) => f + (on ? w[i][j] : 0), 0),
        active,
        i,
      ),
    );
    const same = next.every((v, i) => v === s[i]);
    s = next;
    if (same) break;
  }
  return s;
}

describe('Hopfield baseline', () => {
  const items = randomPatterns(25, size, density, createRng(1));
  const stored = Array.from({ length: 25 }, (_, k) => activeOf(items, k));
  const net = createHopfield(size, density, 25);
  for (const a of stored) storeHopfield(net, a);
  const w = denseWeights(stored);
  const rng = createRng(2);
  const cues = stored.slice(0, 12).flatMap((a) => [a, removeFraction(a, 1 / 3, rng)]);

  test('continuous: recall from counts equals the dense covariance network', () => {
    const threshold = 0.4 * density;
    for (const cue of cues) {
      const z = recallHopfield(net, cue, { threshold, iterations: 10 });
      const expected = denseRecall(w, cue, (field) => field > threshold + 1e-12);
      expect(Array.from({ length: size }, (_, i) => getBit(z, i))).toEqual(expected);
    }
  });

  test('binarised: packed 1[w ≥ 0] recall equals the dense network with a Willshaw threshold', () => {
    const packed = binariseHopfield(net);
    const binary = w.map((row, i) => row.map((v, j) => (i !== j && v >= -1e-12 ? 1 : 0)));
    for (const cue of cues) {
      const z = recallBinarisedHopfield(packed, cue, { threshold: 0.9, iterations: 10 });
      const expected = denseRecall(binary, cue, (field, active) => field > Math.floor(0.9 * active));
      expect(Array.from({ length: size }, (_, i) => getBit(z, i))).toEqual(expected);
    }
  });
});
