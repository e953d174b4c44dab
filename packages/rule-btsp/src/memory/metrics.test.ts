import { describe, expect, test } from '@jest/globals';
import { createRng } from '@plasticity/core-tensors';
import { packIndices } from './bits.js';
import { recallDistance } from './metrics.js';

describe('recallDistance', () => {
  test('a hand case: within, between over all pairs, relative and output density', () => {
    const full = [packIndices([0, 1], 40), packIndices([1, 2], 40), packIndices([3], 40)];
    const partial = [packIndices([0], 40), packIndices([1, 2], 40), packIndices([3, 39], 40)];
    const d = recallDistance(full, partial, 40);
    expect(d.within).toBeCloseTo(2 / 3, 12);
    // pairs: {0,1}-{1,2}: 2, {0,1}-{3}: 3, {1,2}-{3}: 3
    expect(d.between).toBeCloseTo(8 / 3, 12);
    expect(d.relative).toBeCloseTo(0.25, 12);
    expect(d.outputDensity).toBeCloseTo(5 / 120, 12);
  });

  test('identical outputs for every item carry no information: relative 1', () => {
    const z = packIndices([4], 10);
    expect(recallDistance([z, z], [z, z], 10).relative).toBe(1);
  });

  test('with many items, the sampled pairs give the all-pairs mean within 2 %', () => {
    const rng = createRng(4);
    const full = Array.from({ length: 600 }, () =>
      packIndices(
        Array.from({ length: 8 }, () => rng.int(300)),
        300,
      ),
    );
    let all = 0;
    for (let k = 0; k < full.length; k++) {
      for (let l = k + 1; l < full.length; l++) {
        for (let w = 0; w < full[k].length; w++) {
          let x = full[k][w] ^ full[l][w];
          while (x) {
            all++;
            x &= x - 1;
          }
        }
      }
    }
    all /= (600 * 599) / 2;
    expect(Math.abs(recallDistance(full, full, 300).between / all - 1)).toBeLessThan(0.02);
  });
});
