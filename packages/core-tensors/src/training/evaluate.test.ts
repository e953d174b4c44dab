import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import type { Learner } from '../contract/learner.js';
import { initBackend } from '../backend/init.js';
import type { PlasticityError } from '../errors/plasticity-error.js';
import { memorySplit } from '../testing/memory-split.js';
import { evaluate } from './evaluate.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** A learner whose scores are x itself (so expected values are easy to compute on the host). */
const identity = { predict: (x: tf.Tensor) => tf.clone(x) } as unknown as Learner;

function hostCrossEntropy(x: number[], y: number[], classes: number) {
  let loss = 0;
  let correct = 0;
  for (let s = 0; s < y.length; s++) {
    const row = x.slice(s * classes, (s + 1) * classes);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
    loss += lse - row[y[s]];
    if (row.indexOf(max) === y[s]) correct++;
  }
  return { loss: loss / y.length, accuracy: correct / y.length, count: y.length };
}

describe('evaluate', () => {
  test('mean softmax cross-entropy and accuracy over all batches, matching a host computation', async () => {
    const x = [2, 0, -1, 0.5, 0.2, 3, -2, 1, 0, 1, 1, 1, 0, 0, 5];
    const y = [0, 2, 1, 0, 2];
    const before = tf.memory().numTensors;
    const result = await evaluate(identity, memorySplit(x, y, [3]), { batchSize: 2 });
    const expected = hostCrossEntropy(x, y, 3);
    expect(result.count).toBe(5);
    expect(result.accuracy).toBe(expected.accuracy);
    expect(result.loss).toBeCloseTo(expected.loss, 5);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('labels outside [0, classes) are E_DATA_FORMAT, not a silent zero loss', async () => {
    const error = await evaluate(identity, memorySplit([1, 2, 3, 4], [0, 2], [2]), { batchSize: 2 }).catch(
      (e: unknown) => e,
    );
    expect((error as PlasticityError).code).toBe('E_DATA_FORMAT');
    expect((error as Error).message).toMatch(/1 labels outside \[0, 2\)/);
  });

  test('scores of the wrong shape are E_SHAPE; bad batch size is E_CONFIG', async () => {
    const flat = { predict: (x: tf.Tensor) => tf.reshape(x, [-1]) } as unknown as Learner;
    const error = await evaluate(flat, memorySplit([1, 2], [0], [2]), { batchSize: 1 }).catch(
      (e: unknown) => e,
    );
    expect((error as PlasticityError).code).toBe('E_SHAPE');
    const bad = await evaluate(identity, memorySplit([1, 2], [0], [2]), { batchSize: 0 }).catch(
      (e: unknown) => e,
    );
    expect((bad as PlasticityError).code).toBe('E_CONFIG');
  });

  test('float targets are a regression: mean squared error over samples and outputs, accuracy NaN', async () => {
    const x = [0.5, 1, -2, 0, 3, 1];
    const y = [0, 1, -1, 0.5, 3, -1];
    const split = {
      size: 3,
      async *batches(options: { batchSize: number }) {
        for (let start = 0; start < 3; start += options.batchSize) {
          const rows = Math.min(options.batchSize, 3 - start);
          const part = (v: number[]) => tf.tensor2d(v.slice(start * 2, (start + rows) * 2), [rows, 2]);
          const batch = { x: part(x), y: part(y), size: rows };
          yield batch;
          tf.dispose([batch.x, batch.y]);
        }
      },
    };
    const before = tf.memory().numTensors;
    const result = await evaluate(identity, split, { batchSize: 2 });
    const mse = x.reduce((a, v, i) => a + (v - y[i]) ** 2, 0) / 6;
    expect(result.loss).toBeCloseTo(mse, 6);
    expect(result.accuracy).toBeNaN();
    expect(result.count).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
    const wrong = { predict: (t: tf.Tensor) => tf.concat([t, t], 1) } as unknown as Learner;
    const error = await evaluate(wrong, split, { batchSize: 2 }).catch((e: unknown) => e);
    expect((error as PlasticityError).code).toBe('E_SHAPE');
    expect((error as Error).message).toMatch(/predictions \[2,4\] and targets \[2,2\]/);
  });
});
