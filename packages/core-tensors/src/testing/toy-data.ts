import { createRng } from '../rng/rng.js';

/**
 * Noisy XOR: `n` points in 4 clusters at (±1, ±1) with Gaussian noise σ = 0.25, label 1 where
 * the signs differ. Not linearly separable, so a rule that learns it uses its hidden layer.
 */
export function noisyXor(n: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.int(2);
    const b = rng.int(2);
    x[2 * i] = (a ? 1 : -1) + rng.normal(0, 0.25);
    x[2 * i + 1] = (b ? 1 : -1) + rng.normal(0, 0.25);
    y[i] = a ^ b;
  }
  return { x, y };
}
