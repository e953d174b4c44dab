import { describe, expect, test } from '@jest/globals';
import { createRng } from '@plasticity/core-tensors';
import { activeOf, bernoulliIndices, randomPatterns, removeFraction } from './patterns.js';

describe('sparse patterns', () => {
  test('geometric skipping gives Bernoulli(density) bits: mean count within 4 sd, ascending, in range', () => {
    const rng = createRng(11);
    const size = 25_000;
    const density = 0.005;
    const patterns = randomPatterns(400, size, density, rng);
    const total = patterns.offsets[400];
    const mean = size * density * 400;
    const sd = Math.sqrt(mean * (1 - density));
    expect(Math.abs(total - mean)).toBeLessThan(4 * sd);
    for (let k = 0; k < 400; k++) {
      const active = activeOf(patterns, k);
      for (let i = 1; i < active.length; i++) expect(active[i]).toBeGreaterThan(active[i - 1]);
      if (active.length) expect(active[active.length - 1]).toBeLessThan(size);
    }
  });

  test('each position is on with probability density (first and last positions too)', () => {
    const rng = createRng(5);
    const counts = new Float64Array(8);
    const draws = 20_000;
    for (let t = 0; t < draws; t++) for (const i of bernoulliIndices(8, 0.3, rng)) counts[i]++;
    const sd = Math.sqrt(draws * 0.3 * 0.7);
    for (const c of counts) expect(Math.abs(c - draws * 0.3)).toBeLessThan(4.5 * sd);
  });

  test('removeFraction keeps a sorted subset with floor(fraction · n) bits removed', () => {
    const rng = createRng(2);
    const active = Int32Array.from({ length: 125 }, (_, k) => 3 * k + 1);
    const kept = removeFraction(active, 1 / 3, rng);
    expect(kept.length).toBe(125 - 41);
    const all = new Set(active);
    for (let i = 0; i < kept.length; i++) {
      expect(all.has(kept[i])).toBe(true);
      if (i) expect(kept[i]).toBeGreaterThan(kept[i - 1]);
    }
    expect(removeFraction(active, 0, rng)).toEqual(active);
  });
});
