import { describe, expect, test } from '@jest/globals';
import { isPlasticityError } from '@plasticity/core-tensors';
import type { PreprocessSpec } from './preprocess.js';
import { checkRawInputs, rawInputsOf } from './raw-inputs.js';

const mnist: PreprocessSpec = {
  kind: 'scale',
  factor: 1 / 255,
  inputShape: [4],
  rawRange: [0, 255],
  raw: { what: 'mnist pixels', dtype: 'uint8', range: [0, 255], bounds: 'exact', shape: [2, 2] },
};
const files: PreprocessSpec = {
  kind: 'identity',
  inputShape: [2],
  raw: { what: 'features of train.csv', dtype: 'float32', range: [-1, 3], bounds: 'observed', shape: [2] },
};

function failure(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (e) {
    return { code: isPlasticityError(e) ? e.code : undefined, message: (e as Error).message };
  }
  throw new Error('expected a failure');
}

describe('checkRawInputs', () => {
  test('pixels already scaled to [0, 1] as float32 are refused, saying what the run expects', () => {
    const scaled = {
      dtype: 'float32' as const,
      shape: [2, 4],
      data: Float32Array.of(0, 0.5, 1, 0.25, 0, 0, 0, 1),
    };
    const error = failure(() =>
      checkRawInputs(mnist, scaled, { source: 'x.npy', rangeHint: 'pass --input-range 0..1' }),
    );
    expect(error.code).toBe('E_DATA_FORMAT');
    expect(error.message).toBe(
      'the run was trained on mnist pixels as uint8 in [0, 255]; x.npy holds float32 in [0, 1]. ' +
        'Save them as uint8 [0, 255], or declare their range; pass --input-range 0..1',
    );
  });

  test('a declared input range maps the values onto the expected raw range', () => {
    const scaled = { dtype: 'float32' as const, shape: [1, 4], data: Float32Array.of(0, 0.5, 1, 0.2) };
    const mapped = checkRawInputs(mnist, scaled, { source: 'x.npy', inputRange: [0, 1] });
    expect(Array.from(mapped.data).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([0, 127.5, 255, 51]);
    // Values outside the declared range are refused.
    const outside = failure(() =>
      checkRawInputs(
        mnist,
        { ...scaled, data: Float32Array.of(0, 2, 1, 0) },
        { source: 'x.npy', inputRange: [0, 1] },
      ),
    );
    expect(outside.message).toBe('x.npy holds float32 in [0, 2], outside the declared input range [0, 1]');
  });

  test('uint8 and whole-number int data in range pass unchanged; out of range is refused', () => {
    const bytes = { dtype: 'uint8' as const, shape: [1, 4], data: Uint8Array.of(0, 9, 255, 3) };
    expect(checkRawInputs(mnist, bytes, { source: 'x.npy' })).toBe(bytes);
    const ints = { dtype: 'int32' as const, shape: [1, 4], data: Int32Array.of(0, 9, 256, 3) };
    expect(failure(() => checkRawInputs(mnist, ints, { source: 'x.npy' })).message).toMatch(
      /^the run was trained on mnist pixels as uint8 in \[0, 255\]; x\.npy holds int32 in \[0, 256\]/,
    );
  });

  test('NaN and Inf are refused with their row and column', () => {
    const data = Float32Array.of(0, 1, 2, NaN);
    expect(
      failure(() => checkRawInputs(files, { dtype: 'float32', shape: [2, 2], data }, { source: 'a.npy' }))
        .message,
    ).toBe('a.npy: NaN at row 1, column 1; inputs must be finite numbers');
    data[3] = -Infinity;
    expect(
      failure(() => checkRawInputs(files, { dtype: 'float32', shape: [2, 2], data }, { source: 'a.npy' }))
        .message,
    ).toMatch(/^a\.npy: -Infinity at row 1, column 1/);
  });

  test('observed bounds (user files) accept values a little outside, refuse another scale', () => {
    const near = { dtype: 'float64' as const, shape: [2, 2], data: Float64Array.of(-2, 0, 5, 6) };
    expect(checkRawInputs(files, near, { source: 'b.npy' })).toBe(near);
    const far = { dtype: 'float64' as const, shape: [1, 2], data: Float64Array.of(0, 255) };
    expect(failure(() => checkRawInputs(files, far, { source: 'b.npy' })).message).toMatch(
      /^the run was trained on features of train\.csv as float32 in \[-1, 3\] \(training data; up to \[-5, 7\] is accepted\); b\.npy holds float64 in \[0, 255\]/,
    );
  });

  test('runs saved before the raw record: MNIST-family scale specs imply uint8 0–255', () => {
    const { raw: _raw, ...legacy } = mnist;
    expect(rawInputsOf(legacy as PreprocessSpec)).toMatchObject({
      dtype: 'uint8',
      range: [0, 255],
      bounds: 'exact',
    });
    expect(rawInputsOf({ kind: 'identity', inputShape: [3] })).toBeUndefined();
  });
});
