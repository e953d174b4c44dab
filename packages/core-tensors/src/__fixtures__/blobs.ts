// Small separable classification data (Gaussian blobs) from the seeded RNG.
import { createRng } from '../rng/rng.js';

/** `count` samples around class centres that depend only on `inputs` and `classes`. */
export function blobs(
  count: number,
  seed: number,
  inputs = 4,
  classes = 3,
): { x: Float32Array; y: Int32Array } {
  const rng = createRng(seed);
  const centres = createRng(0)
    .fork('centres')
    .normalArray(classes * inputs, 0, 2);
  const x = new Float32Array(count * inputs);
  const y = new Int32Array(count);
  for (let s = 0; s < count; s++) {
    const c = rng.int(classes);
    y[s] = c;
    for (let i = 0; i < inputs; i++) x[s * inputs + i] = centres[c * inputs + i] + rng.normal(0, 0.7);
  }
  return { x, y };
}
