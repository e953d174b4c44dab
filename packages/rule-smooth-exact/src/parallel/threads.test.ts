import { describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRng, parseConfig } from '@plasticity/core-tensors';
import type { TaskSpec } from '@plasticity/core-tensors';
import { createSmoothExactLearner } from '../learner.js';
import { smoothExactRule } from '../rule.js';

// Worker threads run JavaScript: the built script (the package's test target builds it first).
const WORKER = new URL('../../dist/parallel/worker.js', import.meta.url);
if (!existsSync(WORKER))
  throw new Error(`${WORKER.pathname} is missing: build the package first (npm run build)`);

const TASK: TaskSpec = { input: { kind: 'dense', shape: [20] }, outputs: 4, kind: 'classification' };

describe('SliceThreads', () => {
  test('training on 3 threads gives the parameters of one thread (to float32 rounding of the sum)', async () => {
    await tf.setBackend('cpu');
    const rng = createRng(7);
    const x = tf.tensor2d(
      Float32Array.from({ length: 64 * 20 }, () => rng.uniform()),
      [64, 20],
    );
    const y = tf.tensor1d(
      Int32Array.from({ length: 64 }, () => rng.int(4)),
      'int32',
    );
    const learners = [1, 3].map((threads) =>
      createSmoothExactLearner(
        parseConfig(smoothExactRule, { hidden: [16, 12], initialPhase: 0.8, threads, learningRate: 0.01 }),
        TASK,
        5,
        { workerUrl: WORKER },
      ),
    );
    const metrics = [];
    for (const learner of learners) {
      for (let k = 0; k < 3; k++) metrics.push(await learner.trainStep({ x, y, size: 64 }));
    }
    // Same loss, accuracy and activity from the sliced batch as from the whole.
    for (let k = 0; k < 3; k++) {
      expect(metrics[3 + k].loss).toBeCloseTo(metrics[k].loss, 6);
      expect(metrics[3 + k].accuracy).toBe(metrics[k].accuracy);
      expect(metrics[3 + k].silentFraction).toBe(metrics[k].silentFraction);
    }
    expect(metrics[0].hiddenSpikes).toBeGreaterThan(0);
    for (const [name, p] of Object.entries(learners[0].params)) {
      const [one, three] = [await p.data(), await learners[1].params[name].data()];
      for (let i = 0; i < one.length; i++) expect(three[i]).toBeCloseTo(one[i], 4);
    }
    const [a, b] = await Promise.all(learners.map((l) => l.predict(x)));
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, y, a, b]);
    learners.forEach((l) => l.dispose());
  });
});
