import type { Rng } from '@plasticity/core-tensors';

/**
 * Each image of a row-major batch `[size, height·width]` moved by its own random whole-pixel
 * offset in `[−maxShift, maxShift]²`, zero-filled: the classic jitter augmentation for MNIST.
 */
export function shiftImages(
  x: Float32Array,
  size: number,
  shape: readonly [number, number],
  maxShift: number,
  rng: Rng,
): Float32Array {
  const [height, width] = shape;
  const pixels = height * width;
  const out = new Float32Array(x.length);
  for (let s = 0; s < size; s++) {
    const dy = rng.int(2 * maxShift + 1) - maxShift;
    const dx = rng.int(2 * maxShift + 1) - maxShift;
    const base = s * pixels;
    for (let r = Math.max(0, dy); r < Math.min(height, height + dy); r++) {
      const from = base + (r - dy) * width - dx;
      const to = base + r * width;
      for (let c = Math.max(0, dx); c < Math.min(width, width + dx); c++) out[to + c] = x[from + c];
    }
  }
  return out;
}
