import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { testBackends, useBackend } from '@plasticity/core-tensors/testing';
import { hardWrongLabels, hybridImages, randomWrongLabels } from './negatives.js';

const backends = await testBackends();

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test('random wrong labels are never the true one and cover every other class', async () => {
    const y = tf.tensor1d(
      Int32Array.from({ length: 3000 }, (_, i) => i % 3),
      'int32',
    );
    const wrong = await randomWrongLabels(y, 3, 11).data();
    const truth = await y.data();
    const counts = [0, 0, 0];
    wrong.forEach((w, i) => {
      expect(w).not.toBe(truth[i]);
      counts[w]++;
    });
    for (const c of counts) expect(c).toBeGreaterThan(900); // 1000 each when uniform
    y.dispose();
  });

  test('hard negatives follow the logits of the wrong classes, never the true class', async () => {
    // True class 0 has the largest logit; among the wrong ones class 2 is e² times likelier than class 1.
    const n = 4000;
    const logits = tf.tidy(() => tf.tile(tf.tensor2d([[5, 0, 2]]), [n, 1])) as tf.Tensor2D;
    const y = tf.zeros([n], 'int32') as tf.Tensor1D;
    const drawn = await hardWrongLabels(logits, y, 3, 5).data();
    const twos = drawn.filter((v) => v === 2).length / n;
    expect(drawn.includes(0)).toBe(false);
    expect(twos).toBeGreaterThan(0.85); // e²/(1+e²) = 0.881
    expect(twos).toBeLessThan(0.91);
    tf.dispose([logits, y]);
  });

  test('hybrid images take every pixel from one of the two images, in coherent regions', async () => {
    const side = 16;
    const a = tf.ones([4, side * side]) as tf.Tensor2D;
    const b = tf.zeros([4, side * side]) as tf.Tensor2D;
    const x = tf.concat([a, b]) as tf.Tensor2D;
    const partner = tf.tensor1d([4, 5, 6, 7, 0, 1, 2, 3], 'int32');
    const mixed = await hybridImages(x, partner, [side, side], 6, 3).data();
    // Rows 0–3 blend ones with zeros: pixel value = the mask.
    let same = 0;
    let pairs = 0;
    let ones = 0;
    for (let s = 0; s < 4; s++) {
      for (let r = 0; r < side; r++) {
        for (let c = 0; c < side; c++) {
          const v = mixed[s * side * side + r * side + c];
          expect(v === 0 || v === 1).toBe(true);
          ones += v;
          if (c + 1 < side) {
            pairs++;
            if (mixed[s * side * side + r * side + c + 1] === v) same++;
          }
        }
      }
    }
    expect(ones / (4 * side * side)).toBeGreaterThan(0.15); // both sources present
    expect(ones / (4 * side * side)).toBeLessThan(0.85);
    expect(same / pairs).toBeGreaterThan(0.8); // an unblurred random mask gives 0.5
    tf.dispose([a, b, x, partner]);
    void backend;
  });
});
