import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import '../gradients.js';
import { assertClose, testBackends, tolerance, useBackend } from '../testing/index.js';
import { meanSquaredError, softmaxCrossEntropy } from './losses.js';

// Logits far beyond exp's float32 range (±1000) check that the loss is computed stably.
const LOGITS = [
  [2, -1, 0.5],
  [1000, 998, -1000],
  [-1000, -1003, -999],
  [0.1, 0.2, 0.3],
];
const LABELS = [0, 1, 2, 1];

/** float64 reference: −log softmax(z)_y per row, by log-sum-exp about the row maximum. */
function hostCrossEntropy(): { loss: number; grad: number[][] } {
  let loss = 0;
  const grad = LOGITS.map((z, r) => {
    const m = Math.max(...z);
    const sum = z.reduce((acc, v) => acc + Math.exp(v - m), 0);
    loss += m + Math.log(sum) - z[LABELS[r]];
    return z.map((v, c) => (Math.exp(v - m) / sum - (c === LABELS[r] ? 1 : 0)) / LOGITS.length);
  });
  return { loss: loss / LOGITS.length, grad };
}

const backends = await testBackends();

describe.each(backends)('losses on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test('softmax cross-entropy and its gradient match float64, also for huge logits', async () => {
    const logits = tf.tensor2d(LOGITS);
    const labels = tf.tensor1d(LABELS, 'int32');
    const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => softmaxCrossEntropy(z as tf.Tensor2D, labels))(
      logits,
    );
    const expected = hostCrossEntropy();
    assertClose(await value.data(), [expected.loss], tolerance(backend), 'loss');
    assertClose(await grad.data(), expected.grad.flat(), tolerance(backend), 'gradient');
    // Float labels (as datasets may store them) give the same loss.
    const floatLabels = tf.tensor1d(LABELS, 'float32');
    const again = softmaxCrossEntropy(logits, floatLabels);
    expect(await again.data()).toEqual(await value.data());
    tf.dispose([logits, labels, value, grad, floatLabels, again]);
  });

  test('mean squared error is the batch mean of the summed squared error', async () => {
    const outputs = tf.tensor2d([
      [1, 2],
      [3, -1],
    ]);
    const targets = tf.tensor1d([0.5, 2, 1, 1]); // reshaped to the outputs' shape
    const loss = meanSquaredError(outputs, targets);
    assertClose(await loss.data(), [(0.25 + 0 + 4 + 4) / 2], tolerance(backend), 'mse');
    tf.dispose([outputs, targets, loss]);
  });
});
