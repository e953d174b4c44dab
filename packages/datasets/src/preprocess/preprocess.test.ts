import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { isPlasticityError } from '@plasticity/core-tensors';
import { useCpuBackend } from '../testing/tf-backend.js';
import type { PreprocessSpec } from './preprocess.js';
import { preprocessFeatures } from './preprocess.js';

beforeAll(useCpuBackend);

const mnistSpec: PreprocessSpec = { kind: 'scale', factor: 1 / 255, inputShape: [784], rawRange: [0, 255] };
const mirrorSpec: PreprocessSpec = { kind: 'mirror', inputShape: [4] };

function errorCode(fn: () => unknown): string | undefined {
  try {
    tf.dispose(fn() as tf.Tensor);
  } catch (e) {
    return isPlasticityError(e) ? e.code : 'other';
  }
  return undefined;
}

describe('preprocessFeatures', () => {
  test('scale: raw [N, 28, 28] pixels become [N, 784] / 255, matching float32 division', async () => {
    const raw = Uint8Array.from({ length: 2 * 784 }, (_, i) => i % 256);
    const x = preprocessFeatures(mnistSpec, { data: raw, shape: [2, 28, 28] });
    expect(x.shape).toEqual([2, 784]);
    const values = await x.data();
    for (const i of [0, 1, 17, 255, 1000]) expect(values[i]).toBeCloseTo(raw[i] / 255, 7);
    x.dispose();
  });

  test('mirror: [N, 2] expands to [x, y, 1 − x, 1 − y]; [N, 4] passes through', async () => {
    const two = preprocessFeatures(mirrorSpec, { data: [0.25, 0.75, 0.5, 0.125], shape: [2, 2] });
    expect(Array.from(await two.data())).toEqual([0.25, 0.75, 0.75, 0.25, 0.5, 0.125, 0.5, 0.875]);
    const four = preprocessFeatures(mirrorSpec, { data: [0.1, 0.2, 0.9, 0.8], shape: [1, 4] });
    expect(Array.from(await four.data())).toEqual([0.1, 0.2, 0.9, 0.8].map(Math.fround));
    expect(four.shape).toEqual([1, 4]);
    tf.dispose([two, four]);
  });

  test('JSON round trip of the spec gives the same result', async () => {
    const spec = JSON.parse(JSON.stringify(mnistSpec)) as PreprocessSpec;
    const raw = { data: Uint8Array.of(...new Array(784).fill(51)), shape: [1, 784] };
    const [a, b] = [preprocessFeatures(spec, raw), preprocessFeatures(mnistSpec, raw)];
    expect(await a.data()).toEqual(await b.data());
    tf.dispose([a, b]);
  });

  test('shape that does not fit → E_SHAPE with the expected shapes; bad values → E_DATA_FORMAT; no leaks', () => {
    const before = tf.memory().numTensors;
    expect(errorCode(() => preprocessFeatures(mirrorSpec, { data: [1, 2, 3], shape: [1, 3] }))).toBe(
      'E_SHAPE',
    );
    expect(() => preprocessFeatures(mirrorSpec, { data: [1, 2, 3], shape: [1, 3] })).toThrow(
      "features of shape [1, 3] do not fit preprocessing 'mirror': expected [N, 4] or [N, 2]",
    );
    expect(
      errorCode(() => preprocessFeatures(mnistSpec, { data: new Float32Array(780), shape: [1, 780] })),
    ).toBe('E_SHAPE');
    expect(
      errorCode(() => preprocessFeatures(mnistSpec, { data: new Float32Array(784), shape: [784] })),
    ).toBe('E_SHAPE');
    expect(
      errorCode(() => preprocessFeatures(mnistSpec, { data: new Float32Array(10), shape: [2, 784] })),
    ).toBe('E_SHAPE');
    expect(
      errorCode(() =>
        preprocessFeatures(mnistSpec, { data: new Float32Array(784).fill(300), shape: [1, 784] }),
      ),
    ).toBe('E_DATA_FORMAT');
    expect(errorCode(() => preprocessFeatures(mirrorSpec, { data: [NaN, 0], shape: [1, 2] }))).toBe(
      'E_DATA_FORMAT',
    );
    const identity = preprocessFeatures(
      { kind: 'identity', inputShape: [2, 2] },
      { data: [1, 2, 3, 4], shape: [1, 4] },
    );
    expect(identity.shape).toEqual([1, 2, 2]);
    identity.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
