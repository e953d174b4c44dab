import { hammingDistance, popcount } from './bits.js';

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
 * `full[k]` and `full[l]` for all pairs k < l (packed outputs of `outputs` bits).
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
  let between = 0;
  for (let k = 0; k < n; k++) for (let l = k + 1; l < n; l++) between += hammingDistance(full[k], full[l]);
  between /= (n * (n - 1)) / 2;
  let active = 0;
  for (const z of full) active += popcount(z);
  const relative = between > 0 ? within / between : 1;
  return { within, between, relative, outputDensity: active / (n * outputs) };
}
