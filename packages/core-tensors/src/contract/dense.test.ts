import { beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { denseBatch, denseFeatureCount } from './dense.js';
import { packEventBatch } from './events.js';
import { useBackend } from '../testing/backends.js';

describe('denseFeatureCount', () => {
  it('multiplies out the input shape', () => {
    expect(
      denseFeatureCount(
        { input: { kind: 'dense', shape: [28, 28] }, outputs: 10, kind: 'classification' },
        'r',
      ),
    ).toBe(784);
  });

  it('names the rule and the task field at fault', () => {
    const events = {
      input: { kind: 'events', channels: 4, duration: 10 },
      outputs: 2,
      kind: 'classification',
    } as const;
    expect(() => denseFeatureCount(events, 'my-rule')).toThrow(
      expect.objectContaining({
        code: 'E_CONFIG',
        message: expect.stringContaining('my-rule'),
        details: expect.objectContaining({ field: 'task.input.kind' }),
      }),
    );
    expect(() =>
      denseFeatureCount({ input: { kind: 'dense', shape: [0] }, outputs: 2, kind: 'classification' }, 'r'),
    ).toThrow(expect.objectContaining({ details: { field: 'task.input.shape' } }));
    expect(() =>
      denseFeatureCount({ input: { kind: 'dense', shape: [3] }, outputs: 1.5, kind: 'classification' }, 'r'),
    ).toThrow(expect.objectContaining({ details: { field: 'task.outputs' } }));
  });
});

describe('denseBatch', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('returns a float32 [B, F] batch itself, and reshapes and casts others into one new tensor', async () => {
    const flat = tf.zeros([2, 6]);
    expect(denseBatch(flat, 6, 'r')).toBe(flat);
    const images = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], 'int32');
    const before = tf.memory().numTensors;
    const out = denseBatch(images, 4, 'r');
    expect(tf.memory().numTensors).toBe(before + 1); // no intermediate left behind
    expect(out.shape).toEqual([2, 4]);
    expect(out.dtype).toBe('float32');
    expect(Array.from(await out.data())).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    tf.dispose([flat, images, out]);
  });

  it('rejects event batches and wrong feature counts with E_SHAPE naming the rule', () => {
    const events = packEventBatch([{ times: Float32Array.of(1), units: Int32Array.of(0) }], 2, 10);
    expect(() => denseBatch(events, 2, 'my-rule')).toThrow(
      expect.objectContaining({ code: 'E_SHAPE', message: expect.stringMatching(/my-rule .*event batch/) }),
    );
    const x = tf.zeros([3, 5]);
    expect(() => denseBatch(x, 4, 'my-rule')).toThrow(
      expect.objectContaining({ code: 'E_SHAPE', details: { expected: 4, shape: [3, 5] } }),
    );
    x.dispose();
  });
});
