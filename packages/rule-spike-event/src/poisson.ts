import type { Rng } from '@plasticity/core-tensors';

/** Above this mean a count is drawn as a rounded normal (the bins of a fine grid stay far below it). */
const NORMAL_ABOVE = 30;

/**
 * A fast uniform stream (mulberry32) seeded from `rng`: one draw per bin, millions per batch,
 * where `rng.uniform()` (53 bits from two draws) would cost several times more.
 */
function uniformStream(rng: Rng): () => number {
  let state = rng.int(2 ** 31 - 1) | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let z = Math.imul(state ^ (state >>> 15), 1 | state);
    z = (z + Math.imul(z ^ (z >>> 7), 61 | z)) ^ z;
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One Poisson count per mean: the spikes a model with these expected counts per bin emits.
 * Exact by inversion of the CDF with one uniform per count for means up to 30 (a bin with a small
 * mean costs one draw and one comparison), a rounded normal above. Seeded from `rng`.
 */
export function samplePoisson(means: Float32Array, rng: Rng): Float32Array {
  const uniform = uniformStream(rng);
  const counts = new Float32Array(means.length);
  for (let i = 0; i < means.length; i++) {
    const mean = means[i];
    if (!(mean > 0)) continue;
    if (mean > NORMAL_ABOVE) {
      counts[i] = Math.max(0, Math.round(rng.normal(mean, Math.sqrt(mean))));
      continue;
    }
    const u = uniform();
    let p = Math.exp(-mean);
    let cumulative = p;
    let k = 0;
    while (u > cumulative && p > 0) {
      k++;
      p *= mean / k;
      cumulative += p;
    }
    counts[i] = k;
  }
  return counts;
}
