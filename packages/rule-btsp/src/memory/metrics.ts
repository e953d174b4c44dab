import { hammingDistance, popcount } from './bits.js';

/** Item pairs that the between-item distance averages over, at most (about). */
const MAX_PAIRS = 50_000;

/** The paper's recall measure for one set of test items. */
export interface RecallDistance {
  /** Mean Hamming distance between the outputs for an item's full and partial cues. */
  readonly within: number;
  /** Mean Hamming distance between the outputs for the full cues of two different items. */
  readonly between: number;
  /** within / between: 0 is perfect recallBinary, 1 is no better than another item's output. */
  readonly relative: number;
  /** Mean fraction of outputs that fire for a full cue. */
  readonly outputDensity: number;
}

/**
 * Relative Hamming distance of `partial[k]` to `full[k]`, over the mean distance between
 * `full[k]` and `full[l]` over pairs k ≠ l (all of them up to ~50,000; packed outputs of
 * `outputs` bits).
 */
export function recallDistance(
  full: readonly Uint32Array[],
  partial: readonly Uint32Array[],
  outputs: number,
): RecallDistance {
  const n = full.length;
  let within = 0;
  for (let k = 0; k < n; k++) within += hammingDistance(full[k], partial[k]);
  within /= n;
  // Every pair while there are few; else each item against its next `shifts` neighbours
  // (cyclically): every item in the same number of pairs, ~MAX_PAIRS in all.
  const shifts = Math.min(Math.floor(n / 2), Math.ceil(MAX_PAIRS / n));
  let between = 0;
  let pairs: number;
  if (shifts * n >= (n * (n - 1)) / 2) {
    for (let k = 0; k < n; k++) for (let l = k + 1; l < n; l++) between += hammingDistance(full[k], full[l]);
    pairs = (n * (n - 1)) / 2;
  } else {
    for (let k = 0; k < n; k++) {
      for (let s = 1; s <= shifts; s++) between += hammingDistance(full[k], full[(k + s) % n]);
    }
    pairs = n * shifts;
  }
  between /= pairs;
  let active = 0;
  for (const z of full) active += popcount(z);
  const relative = between > 0 ? within / between : 1;
  return { within, between, relative, outputDensity: active / (n * outputs) };
}
