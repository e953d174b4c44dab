import { beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, parseConfig } from '@plasticity/core-tensors';
import type { TaskSpec } from '@plasticity/core-tensors';
import { assertClose, expectNoLeaks, useBackend } from '@plasticity/core-tensors/testing';
import { createFfReplica } from '../replica.js';
import { createForwardForwardLearner, forwardForwardRule } from '../rule.js';
import type { ForwardForwardConfigInput } from '../config.js';
import { FfThreads, hostStep } from './threads.js';

// The workers run the built script (they cannot load TypeScript), so build the package first.
const WORKER = new URL('../../dist/parallel/worker.js', import.meta.url);
if (!existsSync(WORKER))
  throw new Error(`${WORKER.pathname} is missing: build the package first (npm run build)`);

const FEATURES = 12;
// Two classes: every negative is the other label, so slices draw the same negatives as the whole batch.
const TASK: TaskSpec = { input: { kind: 'dense', shape: [FEATURES] }, outputs: 2, kind: 'classification' };
const config = (raw: ForwardForwardConfigInput) => parseConfig(forwardForwardRule, raw);

function batchOf(size: number, seed: number) {
  const rng = createRng(seed);
  const x = tf.tensor2d(rng.uniformArray(size * FEATURES, 0, 1), [size, FEATURES]);
  const y = tf.tensor1d(
    Int32Array.from({ length: size }, () => rng.int(2)),
    'int32',
  );
  return { x, y, size };
}

describe('FfThreads (wasm)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  test.each([2, 3])('%i threads average slice gradients into the whole batch’s', async (count) => {
    const cfg = config({ hidden: [8, 6], threads: count, peerNormalization: 0 });
    const replica = createFfReplica(cfg, TASK, 1);
    const network = replica.network;
    const threads = await FfThreads.start(replica, cfg, TASK, 1, WORKER);
    expect(threads?.threads).toBe(count);
    const batch = batchOf(11, 2); // uneven slices
    const whole = await hostStep(network, batch, [5, 6]);
    const split = await threads!.step(batch, [5, 6]);
    const flat = (s: typeof whole) =>
      Object.assign({}, ...s.grads.layers, s.grads.readout) as Record<string, tf.Tensor>;
    const [a, b] = [flat(whole), flat(split)];
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    // float32 sums in a different order: a few ulps of the largest entries.
    for (const name of Object.keys(a))
      assertClose(await b[name].data(), await a[name].data(), { rtol: 1e-4, atol: 1e-6 }, name);
    expect(split.metrics.loss).toBeCloseTo(whole.metrics.loss, 4);
    expect(split.metrics.accuracy).toBeCloseTo(whole.metrics.accuracy, 6);
    tf.dispose([
      batch.x,
      batch.y,
      whole.grads,
      split.grads,
      whole.peer,
      split.peer,
    ] as unknown as tf.TensorContainer);
    await threads!.dispose();
    replica.dispose();
  });

  test('one thread, or no worker script, means no threads', async () => {
    const cfg = config({ hidden: [4], threads: 1 });
    const replica = createFfReplica(cfg, TASK, 0);
    expect(await FfThreads.start(replica, cfg, TASK, 0, WORKER)).toBeUndefined();
    const two = config({ hidden: [4], threads: 2 });
    expect(
      await FfThreads.start(replica, two, TASK, 0, new URL('./missing-worker.js', WORKER)),
    ).toBeUndefined();
    replica.dispose();
  });

  test('a learner on two threads learns like one on one thread and leaks nothing', async () => {
    const batch = batchOf(32, 3);
    const losses: number[][] = [];
    for (const threads of [1, 2]) {
      const learner = createForwardForwardLearner(
        config({ hidden: [8, 6], threads, peerNormalization: 0 }),
        TASK,
        4,
        {
          workerUrl: WORKER,
        },
      );
      const run: number[] = [];
      run.push((await learner.trainStep(batch)).loss);
      await expectNoLeaks(async () => {
        for (let i = 0; i < 5; i++) run.push((await learner.trainStep(batch)).loss);
      });
      expect(learner.threads).toBe(threads);
      losses.push(run);
      learner.dispose();
    }
    // Same gradients up to float32 summation order, through Adam: the loss curves agree closely.
    losses[1].forEach((loss, i) => expect(loss).toBeCloseTo(losses[0][i], 3));
    tf.dispose([batch.x, batch.y]);
  });

  test('worker replicas stay bit-identical through learning-rate changes, loaded states and assignments', async () => {
    const learner = createForwardForwardLearner(config({ hidden: [8, 6], threads: 3 }), TASK, 5, {
      workerUrl: WORKER,
    });
    const batches = [0, 1, 2, 3].map((k) => batchOf(13, 10 + k));
    const expectReplicasEqual = async (when: string) => {
      const own: Record<string, number[]> = {};
      for (const [name, v] of Object.entries(learner.params)) own[name] = Array.from(await v.data());
      const replicas = await learner.replicaWeights();
      expect(replicas).toHaveLength(2);
      for (const weights of replicas) {
        for (const name of Object.keys(own)) {
          // Exact equality: a replica one rounding apart would drift.
          expect({ when, name, values: Array.from(weights[name]) }).toEqual({
            when,
            name,
            values: own[name],
          });
        }
      }
    };
    for (const b of batches) await learner.trainStep(b);
    await expectReplicasEqual('after four steps');
    learner.learningRate = 0.3;
    await learner.trainStep(batches[0]);
    await expectReplicasEqual('after a learning-rate change');
    // Rewind to a saved state: the replicas must take it too, or they step from the wrong weights.
    const saved = await learner.saveState!();
    const weights = Object.fromEntries(Object.entries(learner.params).map(([n, v]) => [n, v.clone()]));
    await learner.trainStep(batches[1]);
    await learner.trainStep(batches[2]);
    for (const [name, v] of Object.entries(learner.params)) v.assign(weights[name]);
    await learner.loadState!(saved);
    await learner.trainStep(batches[3]);
    await expectReplicasEqual('after loading a state');
    // An assignment from outside (an elastic pull, a user's edit) reaches the replicas as well.
    const kernel = Object.values(learner.params)[0];
    tf.tidy(() => kernel.assign(tf.mul(kernel, 0.5)));
    await learner.trainStep(batches[0]);
    await expectReplicasEqual('after an assignment');
    tf.dispose([...Object.values(saved), ...Object.values(weights), ...batches.flatMap((b) => [b.x, b.y])]);
    learner.dispose();
  });
});
