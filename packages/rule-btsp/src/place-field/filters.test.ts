import { describe, expect, test } from '@jest/globals';
import { convolveCausal, exponentialKernel, filterExponential } from './filters.js';

describe('exponential filter', () => {
  test('the kernel sums to one and is cut where it falls below 0.001 of its peak', () => {
    const kernel = exponentialKernel(1.664103, 0.01);
    expect(kernel.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(kernel[kernel.length - 1] / kernel[0]).toBeGreaterThanOrEqual(0.001);
    expect(Math.exp(-(kernel.length * 0.01) / 1.664103)).toBeLessThan(0.001);
    expect(kernel.length).toBe(1150);
  });

  test('a horizon cuts the kernel first: 6 tau_ET at 10 ms keeps 999 samples', () => {
    const kernel = exponentialKernel(1.664103, 0.01, 6 * 1.664103);
    expect(kernel.length).toBe(999);
    expect(kernel.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    // The instructive kernel reaches 0.001 well within that horizon.
    expect(exponentialKernel(0.4370065, 0.01, 6 * 1.664103).length).toBe(302);
  });

  test('direct convolution of a hand-computed case', () => {
    const kernel = Float64Array.from([0.5, 0.25, 0.25]);
    const out = convolveCausal(Float64Array.from([1, 0, 2, 0]), kernel);
    expect(Array.from(out)).toEqual([0.5, 0.25, 1.25, 0.5]);
  });

  test('the recursive filter equals the direct convolution with the truncated kernel', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const signal = Float64Array.from({ length: 900 }, () => random());
    for (const [tau, horizon] of [
      [0.05, Infinity],
      [0.437, Infinity],
      [1.664, Infinity],
      [1.664, 6],
    ]) {
      const direct = convolveCausal(signal, exponentialKernel(tau, 0.01, horizon));
      const fast = filterExponential(signal, tau, 0.01, horizon);
      for (let n = 0; n < signal.length; n++) expect(fast[n]).toBeCloseTo(direct[n], 10);
    }
  });
});
