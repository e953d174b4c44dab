import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend/init.js';
import { isPlasticityError } from '../errors/plasticity-error.js';
import { createRng } from './rng.js';
import { glorotNormal, glorotUniform, heNormal, heUniform, normalTensor, uniformTensor } from './tensors.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('seeded initialisers', () => {
  test('tensors hold exactly the host draws', async () => {
    const u = uniformTensor(createRng(1), [2, 3], -1, 1);
    expect(u.shape).toEqual([2, 3]);
    expect(u.dtype).toBe('float32');
    expect(Array.from(await u.data())).toEqual(Array.from(createRng(1).uniformArray(6, -1, 1)));
    const n = normalTensor(createRng(1), [4], 0, 3);
    expect(Array.from(await n.data())).toEqual(Array.from(createRng(1).normalArray(4, 0, 3)));
    tf.dispose([u, n]);
  });

  test('glorotUniform stays within ±√(6/(in+out)); heNormal has std √(2/in)', async () => {
    const g = glorotUniform(createRng(2), [300, 100]);
    const limit = Math.sqrt(6 / 400);
    const gv = await g.data();
    expect(Math.max(...gv)).toBeLessThanOrEqual(limit);
    expect(Math.min(...gv)).toBeGreaterThanOrEqual(-limit);
    const h = heNormal(createRng(3), [200, 500]);
    const hv = Array.from(await h.data());
    const std = Math.sqrt(hv.reduce((s, v) => s + v * v, 0) / hv.length);
    // 100 000 draws: the sample std is within 1% of √(2/200) = 0.1 with overwhelming probability.
    expect(Math.abs(std - 0.1)).toBeLessThan(0.001);
    tf.dispose([g, h]);
  });

  test('glorotNormal and heUniform are the host draws scaled by their fans', async () => {
    // [40, 10]: Glorot std √(2/50) = 0.2, He limit √(6/40).
    const g = glorotNormal(createRng(5), [40, 10]);
    expect(Array.from(await g.data())).toEqual(Array.from(createRng(5).normalArray(400, 0, 0.2)));
    const h = heUniform(createRng(6), [40, 10]);
    const limit = Math.sqrt(6 / 40);
    expect(Array.from(await h.data())).toEqual(Array.from(createRng(6).uniformArray(400, -limit, limit)));
    tf.dispose([g, h]);
  });

  test('conv kernels fold the receptive field into the fans; rank < 2 is E_SHAPE', () => {
    const k = glorotUniform(createRng(4), [3, 3, 8, 16]);
    expect(k.shape).toEqual([3, 3, 8, 16]);
    k.dispose();
    try {
      glorotUniform(createRng(4), [5]);
      throw new Error('expected E_SHAPE');
    } catch (error) {
      expect(isPlasticityError(error, 'E_SHAPE')).toBe(true);
    }
  });
});
