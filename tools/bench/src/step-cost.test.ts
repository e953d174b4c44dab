import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { testBackends, useBackend } from '@plasticity/core-tensors/testing';
import { benchmarkStepCost } from './step-cost.js';

const backends = await testBackends();

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test.each([true, false])(
    'benchmarkStepCost (gradient %s) reports a time per step and frees its tensors',
    async (gradient) => {
      const before = tf.memory().numTensors;
      const cost = await benchmarkStepCost({ batch: 2, units: 3, steps: 5, gradient, repeats: 1 });
      expect(tf.memory().numTensors).toBe(before);
      expect(cost).toMatchObject({
        backend,
        batch: 2,
        units: 3,
        steps: 5,
        gradient,
        fused: backend !== 'node-gpu',
      });
      expect(cost.msPerStep).toBeGreaterThan(0);
      const ops = await benchmarkStepCost({ batch: 2, units: 3, steps: 5, fused: false, repeats: 1 });
      expect(ops.fused).toBe(false);
    },
  );
});
