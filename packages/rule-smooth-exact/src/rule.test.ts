import { describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, fit, getRule, isPlasticityError, parseConfig } from '@plasticity/core-tensors';
import type { TensorBatch } from '@plasticity/core-tensors';
import { expectNoLeaks, memorySplit, testBackends, useBackend } from '@plasticity/core-tensors/testing';
import { BARS, bars } from './__fixtures__/bars.js';
import { binTime, codeFeatures, createSmoothExactLearner, smoothExactRule, trainOf } from './index.js';
import type { SmoothExactConfig } from './index.js';

const backends = await testBackends();
const config = (raw: Partial<SmoothExactConfig> = {}): SmoothExactConfig =>
  parseConfig(smoothExactRule, { hidden: [24], learningRate: 0.01, ...raw });

test('importing the package registers the rule and its experiments', () => {
  expect(getRule('smooth-exact')).toBe(smoothExactRule);
});

describe('config', () => {
  test("{} is the paper's MNIST network", () => {
    const c = parseConfig(smoothExactRule, {});
    expect(c).toMatchObject({
      hidden: [100, 100],
      duration: 2,
      drive: 1.25,
      inputBins: 1,
      pseudospikes: true,
    });
    expect(c.tau).toBeCloseTo(6 / Math.PI, 15);
  });

  test.each([
    [{ drive: 0.2 }, 'drive'],
    [{ hidden: [] }, 'hidden'],
    [{ flipProbability: 0.7 }, 'flipProbability'],
    [{ bogus: 1 }, ''],
  ])('rejects %j with a coded error naming the field', (raw, field) => {
    try {
      parseConfig(smoothExactRule, raw);
      throw new Error('accepted');
    } catch (error) {
      expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
      expect((error as Error).message).toContain(field);
    }
  });
});

describe('input coding', () => {
  test('one bin: a feature above 1/2 spikes once at T·ln(1/0.99); the rest are silent', () => {
    const train = trainOf(codeFeatures(Float32Array.from([0.2, 128 / 255, 127 / 255, 1]), 1, 4, 1, 2), 0);
    expect(Array.from(train.sources.subarray(0, train.count))).toEqual([1, 3]);
    expect(train.times[0]).toBeCloseTo(2 * Math.log(1 / 0.99), 15);
  });

  test('more bins: brighter features spike earlier, in time order', () => {
    const train = trainOf(codeFeatures(Float32Array.from([0.1, 0.95, 0.5, 0.7]), 1, 4, 3, 2), 0);
    // bins ⌊(1 − x)·4⌋: 3 (silent), 0, 2, 1.
    expect(Array.from(train.sources.subarray(0, train.count))).toEqual([1, 3, 2]);
    expect(Array.from(train.times.subarray(0, train.count))).toEqual([
      binTime(0, 3, 2),
      binTime(1, 3, 2),
      binTime(2, 3, 2),
    ]);
  });

  test('a feature outside [0, 1] is an E_DATA_FORMAT error naming sample and feature', () => {
    expect(() => codeFeatures(Float32Array.from([0.5, 0.5, 0.5, 1.7]), 2, 2, 1, 2)).toThrow(
      /feature 1 of sample 1 is 1\.7/,
    );
  });

  test('flips are drawn per feature with the given probability', () => {
    const values = new Float32Array(10_000).fill(1);
    const train = trainOf(codeFeatures(values, 1, 10_000, 1, 2, { probability: 0.02, rng: createRng(3) }), 0);
    // Binomial(10 000, 0.02): 200 ± 14 flipped to silent.
    expect(10_000 - train.count).toBeGreaterThan(150);
    expect(10_000 - train.count).toBeLessThan(250);
  });
});

describe.each(backends)('%s', (backend) => {
  test('learns a small task from an almost silent start, beating chance by far', async () => {
    await useBackend(backend);
    const train = bars(300, 1);
    const held = bars(150, 2);
    const learner = createSmoothExactLearner(config(), BARS, 0);
    const result = await fit(
      learner,
      { train: memorySplit(train.x, train.y, [16]), test: memorySplit(held.x, held.y, [16]) },
      { epochs: 8, batchSize: 30, seed: 0, learningRate: 0.01, schedule: { kind: 'constant' } },
    );
    expect(result.history[0].train.silentFraction).toBeGreaterThan(0.3);
    expect(result.test!.accuracy).toBeGreaterThan(0.85);
    learner.dispose();
  });

  test('trainStep and predict leave no tensors behind; predict is [B, classes]', async () => {
    await useBackend(backend);
    const data = bars(20, 3);
    const learner = createSmoothExactLearner(config(), BARS, 1);
    const batch: TensorBatch = {
      x: tf.tensor2d(data.x, [20, 16]),
      y: tf.tensor1d(data.y, 'int32'),
      size: 20,
    };
    await expectNoLeaks(() => learner.trainStep(batch), { repeats: 10 });
    await expectNoLeaks(async () => (await learner.predict(batch.x)).dispose());
    const scores = await learner.predict(batch.x);
    expect(scores.shape).toEqual([20, 3]);
    tf.dispose([scores, batch.x, batch.y]);
    learner.dispose();
  });

  test('inspect shows every layer; the output raster agrees with predict', async () => {
    await useBackend(backend);
    const data = bars(6, 5);
    // Phases near Θ: outputs spike within the trial.
    const learner = createSmoothExactLearner(config({ initialPhase: 0.9 }), BARS, 3);
    const x = tf.tensor2d(data.x, [6, 16]);
    const inspection = await learner.inspect!(x, { samples: 3 });
    expect(inspection.layers.map((l) => [l.name, l.size, l.samples.length])).toEqual([
      ['input', 16, 3],
      ['hidden 1', 24, 3],
      ['output', 3, 3],
    ]);
    const scores = await learner.predict(x);
    const values = await scores.data();
    let spiking = 0;
    inspection.layers[2].samples.forEach((raster, b) => {
      for (let unit = 0; unit < 3; unit++) {
        const times = Array.from(raster.times).filter((_, k) => raster.units[k] === unit);
        if (times.length === 0) continue;
        spiking++;
        expect(Math.min(...times)).toBeCloseTo(-values[b * 3 + unit], 5);
        expect(Math.max(...times)).toBeLessThan(inspection.duration);
      }
    });
    expect(spiking).toBeGreaterThan(0);
    tf.dispose([x, scores]);
    learner.dispose();
  });

  test('resume is exact: two steps, save, restore into a new learner, two more = four steps', async () => {
    await useBackend(backend);
    const data = bars(30, 4);
    const batch: TensorBatch = {
      x: tf.tensor2d(data.x, [30, 16]),
      y: tf.tensor1d(data.y, 'int32'),
      size: 30,
    };
    const straight = createSmoothExactLearner(config(), BARS, 2);
    for (let k = 0; k < 4; k++) await straight.trainStep(batch);
    const first = createSmoothExactLearner(config(), BARS, 2);
    for (let k = 0; k < 2; k++) await first.trainStep(batch);
    const state = await first.saveState!();
    const resumed = createSmoothExactLearner(config(), BARS, 2);
    for (const [name, p] of Object.entries(resumed.params)) (p as tf.Variable).assign(first.params[name]);
    await resumed.loadState!(state);
    for (let k = 0; k < 2; k++) await resumed.trainStep(batch);
    for (const [name, p] of Object.entries(straight.params)) {
      expect(Array.from(await resumed.params[name].data())).toEqual(Array.from(await p.data()));
    }
    tf.dispose([batch.x, batch.y, ...Object.values(state)]);
    [straight, first, resumed].forEach((l) => l.dispose());
  });
});
