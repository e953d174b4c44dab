import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { isPlasticityError } from '../errors/plasticity-error.js';
import { initBackend } from './init.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('the wasm heap guard', () => {
  test('a tensor past the 4 GiB heap is an error naming its size, and the backend goes on', () => {
    // tfjs would pass 4 GiB + 64 bytes to malloc as 64 bytes and write the tensor past them.
    let error: unknown;
    try {
      tf.tile(tf.ones([1]), [2 ** 30 + 16]);
    } catch (caught) {
      error = caught;
    }
    expect(isPlasticityError(error, 'E_BACKEND')).toBe(true);
    expect((error as Error).message).toMatch(
      /out of memory: a tensor of 4096 MiB does not fit in the wasm heap/,
    );
    expect((error as { details?: unknown }).details).toMatchObject({
      reason: 'out-of-memory',
      bytes: 2 ** 32 + 64,
    });
    const sum = tf.tidy(() => tf.sum(tf.tile(tf.fill([1], 2), [1000])).dataSync()[0]);
    expect(sum).toBe(2000);
  });
});
