import type { Rng } from '@plasticity/core-tensors';

/**
 * Sparse binary patterns as sorted lists of active indices, all in one array: pattern `k` is
 * `indices[offsets[k], offsets[k + 1])`. At density 0.005 this is ~250× smaller than dense bits.
 */
export interface SparsePatterns {
  readonly size: number;
  readonly count: number;
  readonly offsets: Int32Array;
  readonly indices: Int32Array;
}

/** The active indices of pattern `k` (a view, not a copy). */
export function activeOf(patterns: SparsePatterns, k: number): Int32Array {
  return patterns.indices.subarray(patterns.offsets[k], patterns.offsets[k + 1]);
}

/**
 * Indices of a Bernoulli(`density`) draw over `size` positions, ascending. Gaps between successes
 * are geometric, so the cost is one uniform per active bit instead of one per position.
 * Appends to `out` and returns it.
 */
export function bernoulliIndices(size: number, density: number, rng: Rng, out: number[] = []): number[] {
  if (density <= 0) return out;
  if (density >= 1) {
    for (let i = 0; i < size; i++) out.push(i);
    return out;
  }
  const logMiss = Math.log1p(-density);
  let i = -1;
  for (;;) {
    // Failures before the next success: floor(log(U) / log(1 - p)), U in (0, 1] from 32 bits.
    i += 1 + Math.floor(Math.log((rng.uint32() + 1) / 4294967296) / logMiss);
    if (i >= size) return out;
    out.push(i);
  }
}

/** `count` independent patterns of `size` bits, each bit on with probability `density`. */
export function randomPatterns(count: number, size: number, density: number, rng: Rng): SparsePatterns {
  const offsets = new Int32Array(count + 1);
  const all: number[] = [];
  for (let k = 0; k < count; k++) {
    bernoulliIndices(size, density, rng, all);
    offsets[k + 1] = all.length;
  }
  return { size, count, offsets, indices: Int32Array.from(all) };
}

/**
 * A partial cue: `active` with `floor(fraction · active.length)` of its bits removed, chosen
 * uniformly without replacement (as the paper degrades its cues). Returns the kept indices.
 */
export function removeFraction(active: ArrayLike<number>, fraction: number, rng: Rng): Int32Array {
  const kept = Int32Array.from(active);
  const remove = Math.floor(fraction * kept.length);
  // Partial Fisher–Yates: move `remove` random entries to the end, keep the front.
  for (let r = 0; r < remove; r++) {
    const last = kept.length - 1 - r;
    const j = rng.int(last + 1);
    const t = kept[j];
    kept[j] = kept[last];
    kept[last] = t;
  }
  return kept.subarray(0, kept.length - remove).sort();
}
