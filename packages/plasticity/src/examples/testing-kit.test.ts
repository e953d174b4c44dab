import { beforeAll, describe, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createGradientLearner, tensorInput } from '@plasticity/core-tensors';
import {
  assertClose,
  expectNoLeaks,
  memorySplit,
  testBackends,
  tolerance,
  useBackend,
} from '@plasticity/core-tensors/testing';

const backends = await testBackends(); // ['cpu', 'wasm', 'webgpu' where an adapter exists]

describe.each(backends)('%s', (backend) => {
  beforeAll(() => useBackend(backend));

  test('softmax matches the float64 reference', async () => {
    const logits = [1, 2, 3];
    const sum = logits.reduce((s, v) => s + Math.exp(v), 0);
    const reference = logits.map((v) => Math.exp(v) / sum); // computed in float64
    const result = tf.softmax(tf.tensor1d(logits));
    assertClose(await result.data(), reference, tolerance(backend));
    result.dispose();
  });

  test('a training step leaks no tensors', async () => {
    const w = tf.variable(tf.zeros([2, 2]));
    const predict = (x: tf.Tensor) => tf.matMul(x, w);
    const learner = createGradientLearner({
      params: { w },
      predict,
      loss: (batch) =>
        tf.losses.softmaxCrossEntropy(tf.oneHot(batch.y, 2), predict(tensorInput(batch.x, 'example'))),
      optimizer: 'adam',
      learningRate: 0.1,
    });
    const data = memorySplit(new Float32Array([0, 1, 1, 0]), new Int32Array([1, 0]), [2]);
    for await (const batch of data.batches({ batchSize: 2, shuffle: false })) {
      await expectNoLeaks(() => learner.trainStep(batch), { repeats: 10 });
    }
    learner.dispose();
  });
});
