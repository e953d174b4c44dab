import { describe, expect, test } from '@jest/globals';
import { createRng } from '@plasticity/core-tensors';
import { getBit, hammingDistance, packIndices, popcount, popcount32, wordsFor } from './bits.js';

function naivePopcount(word: number): number {
  let count = 0;
  for (let b = 0; b < 32; b++) count += (word >>> b) & 1;
  return count;
}

describe('packed bits', () => {
  test('popcount32 matches a bit-by-bit count, edge words included', () => {
    const rng = createRng(3);
    const words = [
      0,
      1,
      0x80000000,
      0xffffffff,
      0x55555555,
      ...Array.from({ length: 500 }, () => rng.uint32()),
    ];
    for (const w of words) expect(popcount32(w)).toBe(naivePopcount(w));
  });

  test('packIndices, getBit, popcount and hammingDistance agree with index sets', () => {
    const a = packIndices([0, 5, 31, 32, 69], 70);
    const b = packIndices([5, 32, 40], 70);
    expect(a.length).toBe(wordsFor(70));
    expect(popcount(a)).toBe(5);
    expect(getBit(a, 31)).toBe(true);
    expect(getBit(a, 30)).toBe(false);
    // symmetric difference {0, 31, 69, 40}
    expect(hammingDistance(a, b)).toBe(4);
  });
});
