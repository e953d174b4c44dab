import type { Rng } from '@plasticity/core-tensors';
import { popcount, wordsFor } from './bits.js';
import { bernoulliIndices } from './patterns.js';

/**
 * How a plateau changes the active, connected synapses of its output neuron:
 * `'set-reset'` (the paper's model) sets them to 1 on a potentiating plateau and to 0 on a
 * depressing one (each half of the plateaus); `'toggle'` (the authors' theory) flips them.
 */
export type PlateauVariant = 'set-reset' | 'toggle';

export interface BinaryMemoryParams {
  readonly inputs: number;
  readonly outputs: number;
  /** Probability that an input–output pair is connected (a fixed binary mask). */
  readonly connectivity: number;
  /** Probability that an output neuron has a plateau while an item is presented (fq). */
  readonly plateauProbability: number;
  /** An output fires when more than this many of its 1-weights see an active input. */
  readonly threshold: number;
  readonly variant: PlateauVariant;
}

/**
 * One-shot binary memory, a bit per synapse. Row `i` (input) holds `wordsPerRow` words, one bit
 * per output, so storing touches only the rows of an item's active inputs and recall sums rows.
 * `weights` is always a subset of `mask`: unconnected synapses stay 0.
 */
export interface BinaryMemory {
  readonly params: BinaryMemoryParams;
  readonly wordsPerRow: number;
  readonly mask: Uint32Array;
  readonly weights: Uint32Array;
}

/** The plateaus of one item: outputs whose active synapses go to 1, and to 0 (or flip, `toggle`). */
export interface Plateaus {
  readonly potentiate: readonly number[];
  readonly depress: readonly number[];
}

/**
 * 32 independent Bernoulli(`probability`) bits from as few uniform words as needed: bit b is the
 * outcome of comparing a uniform U_b, revealed one binary digit per word, with the binary digits
 * of `probability` (success when U_b's digit first falls below p's). Each word settles about
 * half of the undecided bits, so ~7 draws give 32 bits instead of 32 draws; after 32 digits the
 * bits left undecided fail, a bias of at most 2^-32.
 */
export function bernoulliWord(probability: number, rng: Rng): number {
  if (probability >= 1) return -1 >>> 0;
  let undecided = -1;
  let result = 0;
  let rest = probability;
  for (let digit = 0; digit < 32 && undecided !== 0 && rest > 0; digit++) {
    rest *= 2;
    const r = rng.uint32();
    if (rest >= 1) {
      rest -= 1;
      result |= undecided & ~r;
      undecided &= r;
    } else {
      undecided &= ~r;
    }
  }
  return result >>> 0;
}

/** An empty memory (all weights 0) with a random connectivity mask drawn from `rng`. */
export function createBinaryMemory(params: BinaryMemoryParams, rng: Rng): BinaryMemory {
  const wordsPerRow = wordsFor(params.outputs);
  const mask = new Uint32Array(params.inputs * wordsPerRow);
  for (let w = 0; w < mask.length; w++) mask[w] = bernoulliWord(params.connectivity, rng);
  // Bits past the last output of each row stay unconnected.
  const tail = params.outputs & 31;
  if (tail) for (let w = wordsPerRow - 1; w < mask.length; w += wordsPerRow) mask[w] &= (1 << tail) - 1;
  return { params, wordsPerRow, mask, weights: new Uint32Array(mask.length) };
}

/**
 * Draws one item's plateaus: each output has one with probability fq; under `set-reset` a fair
 * coin makes it potentiating or depressing (fq/2 each, never both); under `toggle` every plateau
 * flips, and is listed in `potentiate`.
 */
export function drawPlateaus(params: BinaryMemoryParams, rng: Rng): Plateaus {
  const outputs = bernoulliIndices(params.outputs, params.plateauProbability, rng);
  if (params.variant === 'toggle') return { potentiate: outputs, depress: [] };
  const potentiate: number[] = [];
  const depress: number[] = [];
  for (const j of outputs) (rng.uint32() & 1 ? potentiate : depress).push(j);
  return { potentiate, depress };
}

/** The plateau outputs grouped by word: `[word, bits]` pairs, ascending by word. */
function groupByWord(outputs: readonly number[]): Map<number, number> {
  const groups = new Map<number, number>();
  for (const j of outputs) groups.set(j >>> 5, (groups.get(j >>> 5) ?? 0) | (1 << (j & 31)));
  return groups;
}

/**
 * Stores one item in place: for every active input and plateau output, the connected synapse is
 * set, reset or flipped. Costs O(active inputs × plateau words), independent of the matrix size.
 */
export function storeBinaryItem(memory: BinaryMemory, active: ArrayLike<number>, plateaus: Plateaus): void {
  const { weights, mask, wordsPerRow } = memory;
  const up = groupByWord(plateaus.potentiate);
  const down = groupByWord(plateaus.depress);
  const touched = [...new Set([...up.keys(), ...down.keys()])];
  const upBits = touched.map((w) => up.get(w) ?? 0);
  const downBits = touched.map((w) => down.get(w) ?? 0);
  const toggle = memory.params.variant === 'toggle';
  for (let a = 0; a < active.length; a++) {
    const row = active[a] * wordsPerRow;
    for (let t = 0; t < touched.length; t++) {
      const at = row + touched[t];
      const connected = mask[at];
      if (toggle) weights[at] ^= upBits[t] & connected;
      else weights[at] = (weights[at] | (upBits[t] & connected)) & ~(downBits[t] & connected);
    }
  }
}

/** Bits needed to count up to `value`. */
function bitLength(value: number): number {
  return value <= 0 ? 1 : 32 - Math.clz32(value);
}

/**
 * Recall `z = 1[Wᵀx > threshold]` for a cue given by its active inputs, as packed output bits.
 * The input sums live in bit-sliced counters (counter bit `b` of 32 outputs in one word): adding
 * a weight row is a ripple-carry of whole words, and the threshold test is a word-wide compare,
 * so no sum is ever held per output.
 */
export function recallBinary(
  memory: BinaryMemory,
  active: ArrayLike<number>,
  threshold = memory.params.threshold,
): Uint32Array {
  const { weights, wordsPerRow: words } = memory;
  const width = bitLength(Math.max(active.length, threshold));
  const counters = new Uint32Array(width * words);
  for (let a = 0; a < active.length; a++) {
    const row = active[a] * words;
    for (let w = 0; w < words; w++) {
      let carry = weights[row + w];
      for (let at = w; carry !== 0 && at < counters.length; at += words) {
        const next = counters[at] & carry;
        counters[at] ^= carry;
        carry = next;
      }
    }
  }
  // count > threshold, most significant bit first: `greater` once a bit of count beats the
  // threshold's while all higher bits were equal.
  const out = new Uint32Array(words);
  for (let w = 0; w < words; w++) {
    let greater = 0;
    let equal = -1;
    for (let b = width - 1; b >= 0; b--) {
      const c = counters[b * words + w];
      if ((threshold >>> b) & 1) equal &= c;
      else {
        greater |= equal & c;
        equal &= ~c;
      }
    }
    out[w] = greater;
  }
  const tail = memory.params.outputs & 31;
  if (tail) out[words - 1] &= (1 << tail) - 1;
  return out;
}

/** Fraction of connected synapses whose weight is 1. */
export function binaryWeightFraction(memory: BinaryMemory): number {
  const connected = popcount(memory.mask);
  return connected === 0 ? 0 : popcount(memory.weights) / connected;
}

/**
 * Expected fraction of 1-weights among connected synapses after `items` stored items. A synapse
 * is touched by an item with probability q = fq·fp. Set/reset: its value is that of the last
 * touch, 1 or 0 with equal odds, so P(1) = (1 - (1 - q)^M)/2. Toggle: it is 1 after an odd
 * number of touches, P(odd) = (1 - (1 - 2q)^M)/2.
 */
export function weightFractionClosedForm(
  variant: PlateauVariant,
  plateauProbability: number,
  density: number,
  items: number,
): number {
  const q = plateauProbability * density;
  return variant === 'toggle' ? (1 - (1 - 2 * q) ** items) / 2 : (1 - (1 - q) ** items) / 2;
}
