import { afterAll, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRng, isPlasticityError, parseConfig, paramName } from '@plasticity/core-tensors';
import type { TaskSpec } from '@plasticity/core-tensors';
import { EventPropNetwork, lifExpParams, packedSamples, runBatch, scoreSamples } from '@plasticity/neurons';
import type { HostSamples, NetworkSpec, ObjectiveOptions } from '@plasticity/neurons';
import { createEventPropLearner, eventpropRule } from '../rule.js';
import { EngineThreads } from './engine-threads.js';

// Worker threads run JavaScript: the built script (the package's test target builds it first).
const WORKER = new URL('../../dist/parallel/worker.js', import.meta.url);
if (!existsSync(WORKER))
  throw new Error(`${WORKER.pathname} is missing: build the package first (npm run build)`);

const SPEC: NetworkSpec = {
  inputs: 12,
  hidden: [
    { size: 24, recurrent: false },
    { size: 10, recurrent: true },
  ],
  outputs: 3,
  output: 'max-voltage',
  model: lifExpParams({ tauMem: 20, tauSyn: 5, threshold: 1 }),
  duration: 30,
};
const TTFS_SPEC: NetworkSpec = { ...SPEC, hidden: [{ size: 24, recurrent: false }], output: 'spiking' };
const OBJECTIVE: ObjectiveOptions = {
  loss: 'max-voltage',
  ttfs: { tau0: 0.5, tau1: 6.4, alpha: 0.003, silentPush: 1 },
  spikeRegularisation: { strength: 0.01, target: 1 },
};
const TTFS_OBJECTIVE: ObjectiveOptions = { ...OBJECTIVE, loss: 'ttfs' };

function samplesOf(seed: number, size: number, inputs: number): HostSamples {
  const rng = createRng(seed);
  const times = new Float64Array(size * inputs);
  for (let b = 0; b < size; b++) {
    const sorted = Array.from({ length: inputs }, () => 20 * rng.uniform()).sort((x, y) => x - y);
    times.set(sorted, b * inputs);
  }
  const units = Int32Array.from({ length: size * inputs }, () => rng.int(inputs));
  return packedSamples(
    Int32Array.from({ length: size + 1 }, (_, b) => b * inputs),
    times,
    units,
  );
}

function networkWithWeights(spec: NetworkSpec, seed: number): EventPropNetwork {
  const network = new EventPropNetwork(spec);
  const rng = createRng(seed);
  for (const [name, w] of Object.entries(network.weights())) {
    const mean = name.endsWith('recurrent') ? 0 : name === paramName(0, 'kernel') ? 0.8 : 0.5;
    for (let k = 0; k < w.length; k++) w[k] = rng.normal(mean, 0.6);
  }
  return network;
}

const started: EngineThreads[] = [];
async function threadsFor(network: EventPropNetwork, objective: ObjectiveOptions, count: number) {
  const engine = await EngineThreads.start(network, objective, count, WORKER);
  if (engine === undefined) throw new Error('worker threads did not start');
  started.push(engine);
  return engine;
}
afterAll(() => Promise.all(started.map((e) => e.dispose())));

describe.each([
  ['max-voltage, feed-forward + recurrent', SPEC, OBJECTIVE],
  ['ttfs', TTFS_SPEC, TTFS_OBJECTIVE],
])('EngineThreads (%s)', (_, spec, objective) => {
  test('3 threads give the single-thread batch: scores, loss, metrics and gradients', async () => {
    // 11 samples: slices of 4, 3 and 4, so every thread has work and the cut is uneven.
    const size = 11;
    const samples = samplesOf(1, size, spec.inputs);
    const labels = Int32Array.from({ length: size }, (_, b) => b % spec.outputs);
    const single = networkWithWeights(spec, 2);
    const expectedGrads = single.gradientBuffers();
    const expected = runBatch(single, size, (b) => samples.sample(b), labels, objective, expectedGrads);

    const network = networkWithWeights(spec, 2);
    const engine = await threadsFor(network, objective, 3);
    expect(engine.threads).toBe(3);
    const grads = network.gradientBuffers();
    const got = await engine.run(samples, labels, grads);

    expect(Array.from(got.scores)).toEqual(Array.from(expected.scores));
    expect(got.correct).toBe(expected.correct);
    expect(got.loss).toBeCloseTo(expected.loss, 12);
    expect(got.hiddenRate).toBe(expected.hiddenRate);
    expect(got.silentFraction).toBe(expected.silentFraction);
    expect(got.silent).toEqual(expected.silent);
    expect(expected.hiddenRate).toBeGreaterThan(0);
    for (const [name, g] of Object.entries(expectedGrads)) {
      const scale = Math.max(...g.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      // Float64 sums in another order: equal to ~1e-15 of the largest entry.
      const worst = Math.max(...g.map((v, k) => Math.abs(v - grads[name][k])));
      expect(worst / scale).toBeLessThan(1e-12);
    }

    const scores = await engine.scores(samples);
    const direct = new Float32Array(size * spec.outputs);
    scoreSamples(single, size, (b) => samples.sample(b), direct);
    expect(Array.from(scores)).toEqual(Array.from(direct));
  });
});

describe('EngineThreads', () => {
  test('weights written after start reach the workers', async () => {
    const network = networkWithWeights(SPEC, 3);
    const engine = await threadsFor(network, OBJECTIVE, 2);
    const samples = samplesOf(4, 6, SPEC.inputs);
    const before = await engine.scores(samples);
    const w = network.weights()[paramName(0, 'kernel')];
    for (let k = 0; k < w.length; k++) w[k] += 0.5;
    const after = await engine.scores(samples);
    const reference = new Float32Array(after.length);
    scoreSamples(network, 6, (b) => samples.sample(b), reference);
    expect(Array.from(after)).toEqual(Array.from(reference));
    expect(Array.from(after)).not.toEqual(Array.from(before));
  });

  test("a worker's error names the batch's sample and leaves the threads usable", async () => {
    const network = networkWithWeights(SPEC, 5);
    const engine = await threadsFor(network, OBJECTIVE, 2);
    const samples = samplesOf(6, 6, SPEC.inputs);
    // Samples 3 … 5 go to the worker; 4 has a label that is no class.
    const labels = [0, 1, 2, 0, 7, 1];
    let error: unknown;
    try {
      await engine.run(samples, labels, network.gradientBuffers());
    } catch (e) {
      error = e;
    }
    expect(isPlasticityError(error, 'E_DATA_FORMAT')).toBe(true);
    expect((error as Error).message).toContain('label 7 of sample 4');
    const ok = await engine.run(samples, [0, 1, 2, 0, 1, 1]);
    expect(ok.scores.length).toBe(18);
  });

  test('one thread, or no built worker script, means no workers', async () => {
    const network = networkWithWeights(SPEC, 7);
    expect(await EngineThreads.start(network, OBJECTIVE, 1, WORKER)).toBeUndefined();
    const missing = new URL('./no-such-worker.js', import.meta.url);
    expect(await EngineThreads.start(network, OBJECTIVE, 4, missing)).toBeUndefined();
  });
});

describe('a learner with threads', () => {
  const task: TaskSpec = { input: { kind: 'dense', shape: [4] }, outputs: 2, kind: 'classification' };
  const rng = createRng(9);
  const x = Float32Array.from({ length: 32 * 4 }, () => rng.uniform());
  const y = Int32Array.from({ length: 32 }, (_, b) => (x[4 * b] > 0.5 ? 1 : 0));

  test('trains to the same weights as one thread, without leaking tensors', async () => {
    await tf.setBackend('cpu');
    const config = parseConfig(eventpropRule, { hidden: [16], learningRate: 0.01 });
    const weightsAfter = async (threads: number) => {
      const learner = createEventPropLearner({ ...config, threads }, task, 3, { workerUrl: WORKER });
      const batch = { x: tf.tensor2d(x, [32, 4]), y: tf.tensor1d(y, 'int32'), size: 32 };
      await learner.trainStep(batch);
      const tensors = tf.memory().numTensors;
      for (let step = 0; step < 4; step++) await learner.trainStep(batch);
      expect(tf.memory().numTensors).toBe(tensors);
      const scores = (await learner.predict(batch.x)) as tf.Tensor;
      const out = {
        weights: Array.from(learner.params[paramName(0, 'kernel')].dataSync()),
        scores: Array.from(scores.dataSync()),
      };
      tf.dispose([scores, batch.x, batch.y]);
      learner.dispose();
      return out;
    };
    const one = await weightsAfter(1);
    const two = await weightsAfter(2);
    // float32 weights from gradients summed in another order.
    two.weights.forEach((w, k) => expect(w).toBeCloseTo(one.weights[k], 5));
    two.scores.forEach((s, k) => expect(s).toBeCloseTo(one.scores[k], 3));
  });
});
