import { expect, test } from '@jest/globals';
import { createRng } from '@plasticity/core-tensors';
import { shiftImages } from './augment.js';

/** The offset (dy, dx) that turns `a` into `b` with zero fill, if any, by brute force. */
function offsetOf(
  a: Float32Array,
  b: Float32Array,
  h: number,
  w: number,
  max: number,
): [number, number] | undefined {
  for (let dy = -max; dy <= max; dy++) {
    for (let dx = -max; dx <= max; dx++) {
      let same = true;
      for (let r = 0; r < h && same; r++) {
        for (let c = 0; c < w && same; c++) {
          const [sr, sc] = [r - dy, c - dx];
          const expected = sr >= 0 && sr < h && sc >= 0 && sc < w ? a[sr * w + sc] : 0;
          same = b[r * w + c] === expected;
        }
      }
      if (same) return [dy, dx];
    }
  }
  return undefined;
}

test('every image moves by its own offset within ±shift, zero-filled, and all offsets occur', () => {
  const [h, w, size, max] = [5, 4, 200, 2];
  const rng = createRng(3);
  const x = Float32Array.from({ length: size * h * w }, () => 1 + rng.uniform()); // no zeros: offsets are unambiguous
  const out = shiftImages(x, size, [h, w], max, createRng(9));
  const seen = new Set<string>();
  for (let s = 0; s < size; s++) {
    const offset = offsetOf(
      x.subarray(s * h * w, (s + 1) * h * w),
      out.subarray(s * h * w, (s + 1) * h * w),
      h,
      w,
      max,
    );
    expect(offset).toBeDefined();
    seen.add(String(offset));
  }
  expect(seen.size).toBe((2 * max + 1) ** 2);
  expect(shiftImages(x, size, [h, w], max, createRng(9))).toEqual(out); // seeded
});
