import { describe, expect, test } from '@jest/globals';
import { createRng } from '@plasticity/core-tensors';
import {
  bernoulliWord,
  binaryWeightFraction,
  createBinaryMemory,
  drawPlateaus,
  recallBinary,
  storeBinaryItem,
  weightFractionClosedForm,
  type BinaryMemoryParams,
} from './binary-memory.js';
import { getBit, popcount32 } from './bits.js';
import { activeOf, randomPatterns } from './patterns.js';

const small: BinaryMemoryParams = {
  inputs: 40,
  outputs: 70,
  connectivity: 0.6,
  plateauProbability: 0.2,
  threshold: 2,
  variant: 'set-reset',
};

/** W[i][j] as a dense 0/1 table, read bit by bit. */
function denseWeights(memory: ReturnType<typeof createBinaryMemory>): number[][] {
  const { inputs, outputs } = memory.params;
  return Array.from({ length: inputs }, (_, i) =>
    Array.from({ length: outputs }, (_, j) =>
      getBit(memory.weights, i * memory.wordsPerRow * 32 + j) ? 1 : 0,
    ),
  );
}

describe('binary BTSP memory', () => {
  test('set/reset by hand: a potentiating plateau sets active connected synapses, a depressing one clears them', () => {
    const memory = createBinaryMemory({ ...small, connectivity: 1 }, createRng(1));
    storeBinaryItem(memory, [3, 7], { potentiate: [0, 33, 69], depress: [] });
    let w = denseWeights(memory);
    expect([w[3][0], w[3][33], w[3][69], w[7][0], w[7][33], w[7][69]]).toEqual([1, 1, 1, 1, 1, 1]);
    expect(w.flat().reduce((a, b) => a + b)).toBe(6);
    storeBinaryItem(memory, [7, 9], { potentiate: [1], depress: [33] });
    w = denseWeights(memory);
    expect([w[3][33], w[7][33], w[7][1], w[9][1], w[9][33]]).toEqual([1, 0, 1, 1, 0]);
    expect(w.flat().reduce((a, b) => a + b)).toBe(6 + 2 - 1);
  });

  test('unconnected synapses never change; toggling the same item twice restores the weights', () => {
    const memory = createBinaryMemory({ ...small, variant: 'toggle' }, createRng(2));
    const items = randomPatterns(30, small.inputs, 0.2, createRng(3));
    const rng = createRng(4);
    const plateaus = Array.from({ length: 30 }, () => drawPlateaus(memory.params, rng));
    for (let k = 0; k < 30; k++) storeBinaryItem(memory, activeOf(items, k), plateaus[k]);
    for (let w = 0; w < memory.weights.length; w++) expect(memory.weights[w] & ~memory.mask[w]).toBe(0);
    const before = Uint32Array.from(memory.weights);
    storeBinaryItem(memory, activeOf(items, 5), plateaus[5]);
    expect(memory.weights).not.toEqual(before);
    storeBinaryItem(memory, activeOf(items, 5), plateaus[5]);
    expect(memory.weights).toEqual(before);
  });

  test('bit-sliced recall equals 1[Σ_active W > threshold] summed bit by bit, for every threshold', () => {
    const memory = createBinaryMemory(small, createRng(5));
    const items = randomPatterns(60, small.inputs, 0.3, createRng(6));
    const rng = createRng(7);
    for (let k = 0; k < 60; k++) storeBinaryItem(memory, activeOf(items, k), drawPlateaus(small, rng));
    const w = denseWeights(memory);
    for (let k = 0; k < 10; k++) {
      const cue = activeOf(items, k);
      const sums = Array.from({ length: small.outputs }, (_, j) => cue.reduce((s, i) => s + w[i][j], 0));
      for (const threshold of [0, 1, 2, 3, 5, cue.length, cue.length + 40]) {
        const z = recallBinary(memory, cue, threshold);
        for (let j = 0; j < small.outputs; j++) expect(getBit(z, j)).toBe(sums[j] > threshold);
        // bits past the last output stay clear
        for (let j = small.outputs; j < z.length * 32; j++) expect(getBit(z, j)).toBe(false);
      }
    }
  });

  // 2,000 × 1,000 synapses, 1.2 M connected: touched blocks number ~ M·n·fq·fp·m; the measured
  // fraction's relative spread is ~1 % here, so 5 % relative is over 4 sd.
  test.each(['set-reset', 'toggle'] as const)(
    '%s: fraction of 1-weights follows its closed form',
    (variant) => {
      const params: BinaryMemoryParams = {
        inputs: 2_000,
        outputs: 1_000,
        connectivity: 0.6,
        plateauProbability: 0.01,
        threshold: 10,
        variant,
      };
      const density = 0.02;
      const memory = createBinaryMemory(params, createRng(8));
      const items = randomPatterns(6_000, params.inputs, density, createRng(9));
      const rng = createRng(10);
      let stored = 0;
      for (const at of [500, 2_000, 6_000]) {
        for (; stored < at; stored++)
          storeBinaryItem(memory, activeOf(items, stored), drawPlateaus(params, rng));
        const expected = weightFractionClosedForm(variant, params.plateauProbability, density, at);
        expect(Math.abs(binaryWeightFraction(memory) / expected - 1)).toBeLessThan(0.05);
      }
    },
  );

  test('closed forms: both start at 0, tend to 1/2, toggle at fq equals set/reset at 2·fq', () => {
    expect(weightFractionClosedForm('set-reset', 0.005, 0.005, 0)).toBe(0);
    expect(weightFractionClosedForm('toggle', 0.005, 0.005, 0)).toBe(0);
    expect(weightFractionClosedForm('set-reset', 0.005, 0.005, 1e7)).toBeCloseTo(0.5, 6);
    expect(weightFractionClosedForm('toggle', 0.0025, 0.005, 12_345)).toBeCloseTo(
      weightFractionClosedForm('set-reset', 0.005, 0.005, 12_345),
      12,
    );
    // one item: set/reset gives 1 only on the potentiating half of the touches
    expect(weightFractionClosedForm('set-reset', 0.1, 0.2, 1)).toBeCloseTo(0.01, 12);
  });
});

describe('bernoulliWord', () => {
  // 40,000 words = 1.28 M bits: the count's sd is ~550, and each bit position is checked too.
  test.each([0.6, 0.005, 0.5, 1 / 3])(
    'bits are on with probability %f, independently of their position',
    (p) => {
      const rng = createRng(12);
      const words = 40_000;
      const perBit = new Float64Array(32);
      for (let w = 0; w < words; w++) {
        const v = bernoulliWord(p, rng);
        for (let b = 0; b < 32; b++) perBit[b] += (v >>> b) & 1;
      }
      const total = perBit.reduce((a, b) => a + b);
      const n = words * 32;
      expect(Math.abs(total - n * p)).toBeLessThan(4.5 * Math.sqrt(n * p * (1 - p)));
      for (const c of perBit)
        expect(Math.abs(c - words * p)).toBeLessThan(4.5 * Math.sqrt(words * p * (1 - p)) + 1);
    },
  );

  test('probability 1 gives all ones and the mask of a full connectivity covers exactly the outputs', () => {
    expect(bernoulliWord(1, createRng(1))).toBe(0xffffffff);
    const memory = createBinaryMemory({ ...small, connectivity: 1 }, createRng(1));
    expect(memory.mask.reduce((a, w) => a + popcount32(w), 0)).toBe(small.inputs * small.outputs);
  });
});
