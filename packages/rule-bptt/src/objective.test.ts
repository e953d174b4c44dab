// Regression through the `layers` form: the loss is the mean squared error of the output voltage
// trace against the target series (checked on the host), training lowers it, and the objective's
// config errors name the field.
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { evaluate, parseConfig } from '@plasticity/core-tensors';
import type { TaskSpec } from '@plasticity/core-tensors';
import { expectNoLeaks, testBackends, useBackend } from '@plasticity/core-tensors/testing';
import { bpttRule } from './rule.js';

const backends = await testBackends();
const [T, B, CHANNELS] = [20, 4, 2];
const task: TaskSpec = {
  input: { kind: 'spikes', steps: T, channels: CHANNELS, dt: 1 },
  outputs: T * CHANNELS,
  kind: 'regression',
};
const layers = [
  { type: 'recurrent', units: 6, bias: true },
  { type: 'gated-theta', tauMem: 4 },
  { type: 'dense', units: CHANNELS },
  { type: 'li', tauMem: 2, tauSyn: 1 },
];

/** Series `[T, B, 2]` and their time-major target rows `[B, T·2]` (the task: reproduce the input). */
function reproduceBatch() {
  const x = tf.tidy(() =>
    // Sample b, channel c: sin(t/3 + b + 2c), a slow wave each.
    tf.sin(
      tf.add(
        tf.reshape(tf.div(tf.range(0, T), 3), [T, 1, 1]),
        tf.add(
          tf.reshape(tf.range(0, B), [1, B, 1]),
          tf.reshape(tf.mul(tf.range(0, CHANNELS), 2), [1, 1, CHANNELS]),
        ),
      ),
    ),
  );
  const y = tf.tidy(() => tf.reshape(tf.transpose(x, [1, 0, 2]), [B, T * CHANNELS]));
  return { x, y, size: B };
}

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test("trace-mse is the output voltage's mean squared error against the target series", async () => {
    const learner = bpttRule.create(
      parseConfig(bpttRule, { layers, loss: 'trace-mse', learningRate: 0.02 }),
      task,
      0,
    );
    const batch = reproduceBatch();
    const predicted = (await learner.predict(batch.x)) as tf.Tensor;
    expect(predicted.shape).toEqual([B, T * CHANNELS]);
    const [p, y] = [Array.from(await predicted.data()), Array.from(await batch.y.data())];
    const host = p.reduce((a, v, i) => a + (v - y[i]) ** 2, 0) / p.length;
    predicted.dispose();
    const first = await learner.trainStep(batch);
    expect(first.loss).toBeCloseTo(host, 4);
    expect(first.accuracy).toBeUndefined();
    const split = {
      size: B,
      batches: async function* () {
        yield batch;
      },
    };
    const result = await evaluate(learner, split, { batchSize: B });
    expect(result.accuracy).toBeNaN();
    expect(result.loss).toBeGreaterThan(0);
    await expectNoLeaks(() => learner.trainStep(batch), { repeats: 2 });
    tf.dispose([batch.x, batch.y]);
    learner.dispose();
  });
});

test('training on trace-mse lowers it (cpu)', async () => {
  await useBackend('cpu');
  const learner = bpttRule.create(
    parseConfig(bpttRule, { layers, loss: 'trace-mse', learningRate: 0.05 }),
    task,
    0,
  );
  const batch = reproduceBatch();
  const first = (await learner.trainStep(batch)).loss;
  let last = first;
  for (let i = 0; i < 40; i++) last = (await learner.trainStep(batch)).loss;
  expect(last).toBeLessThan(0.5 * first);
  tf.dispose([batch.x, batch.y]);
  learner.dispose();
});

test('config errors: trace-mse on a classification, another loss on a regression, a series that does not fit', () => {
  const fails = (raw: object, t: TaskSpec, field: string) =>
    expect(() => bpttRule.create(parseConfig(bpttRule, raw), t, 0)).toThrow(
      expect.objectContaining({ code: 'E_CONFIG', details: expect.objectContaining({ field }) }),
    );
  const classes: TaskSpec = { ...task, outputs: 2, kind: 'classification' };
  fails({ layers, loss: 'trace-mse' }, classes, 'loss');
  fails({ layers }, task, 'loss');
  fails({ layers, loss: 'trace-mse' }, { ...task, outputs: T * CHANNELS + 1 }, 'task.outputs');
  fails(
    { layers: [...layers.slice(0, 2), { type: 'dense', units: 3 }, { type: 'li' }], loss: 'trace-mse' },
    task,
    'layers[3]',
  );
  fails({ loss: 'trace-mse' }, task, 'task.kind');
});
