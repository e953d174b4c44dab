// A small image task the theta networks learn in a few dozen steps (4×4 bars, three classes).
import { createRng } from '@plasticity/core-tensors';
import type { TaskSpec } from '@plasticity/core-tensors';

export const BARS: TaskSpec = { input: { kind: 'dense', shape: [16] }, outputs: 3, kind: 'classification' };

/** 4×4 images: class 0 lights the top rows, 1 the left columns, 2 the diagonal; 10 % pixel noise. */
export function bars(count: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(count * 16);
  const y = new Int32Array(count);
  for (let s = 0; s < count; s++) {
    const label = s % 3;
    y[s] = label;
    for (let p = 0; p < 16; p++) {
      const [r, c] = [Math.floor(p / 4), p % 4];
      const on = label === 0 ? r < 2 : label === 1 ? c < 2 : r === c || r === 3 - c;
      x[s * 16 + p] = on !== rng.uniform() < 0.1 ? 0.9 : 0.1;
    }
  }
  return { x, y };
}
