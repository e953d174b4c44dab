// The named losses against float64 hand computations, and their gradients where closed forms exist.
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, isPlasticityError } from '@plasticity/core-tensors';
import { assertClose, expectNoLeaks, testBackends, useBackend } from '@plasticity/core-tensors/testing';
import { LOSS_NAMES, lossByName, readoutScores } from './losses.js';
import type { LossName } from './losses.js';

const backends = await testBackends();
const [T, B, C] = [6, 3, 4];
const rng = createRng(4);
const spikeValues = Array.from(rng.fork('s').uniformArray(T * B * C), (u) => (u < 0.4 ? 1 : 0));
const vValues = Array.from(rng.fork('v').normalArray(T * B * C));
const labels = [2, 0, 3];
const at = (values: number[], t: number, b: number, c: number) => values[(t * B + b) * C + c];

/** Per sample, over time: `reduce(values at t, c)` → scores [B][C]. */
function perClass(values: number[], reduce: (series: number[]) => number): number[][] {
  return Array.from({ length: B }, (_, b) =>
    Array.from({ length: C }, (_, c) => reduce(Array.from({ length: T }, (_, t) => at(values, t, b, c)))),
  );
}

function crossEntropy(scores: number[][]): number {
  return (
    scores.reduce((sum, row, b) => {
      const m = Math.max(...row);
      const lse = m + Math.log(row.reduce((s, z) => s + Math.exp(z - m), 0));
      return sum + lse - row[labels[b]];
    }, 0) / B
  );
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const dt = 0.5;
const HAND: Record<LossName, () => number> = {
  'spike-count-ce': () => crossEntropy(perClass(spikeValues, sum)),
  'spike-rate-mse': () => {
    // snnTorch mse_count_loss(correct_rate 0.8, incorrect_rate 0.1): counts vs rate·T, mean, / T.
    const counts = perClass(spikeValues, sum);
    const errors = counts.flatMap((row, b) =>
      row.map((n, c) => (n - (c === labels[b] ? 0.8 : 0.1) * T) ** 2),
    );
    return sum(errors) / errors.length / T;
  },
  'max-voltage': () => crossEntropy(perClass(vValues, (s) => Math.max(...s))),
  'mean-voltage': () => crossEntropy(perClass(vValues, (s) => sum(s) / T)),
  'exp-mean-voltage': () =>
    crossEntropy(
      perClass(vValues, (s) => sum(s.map((v, t) => Math.exp((-t * dt) / (T * dt)) * v * dt)) / (T * dt)),
    ),
  // snnTorch tutorial 5: Σ_t CrossEntropyLoss(mem[t], y), each a batch mean.
  'step-voltage': () =>
    sum(
      Array.from({ length: T }, (_, t) =>
        crossEntropy(
          Array.from({ length: B }, (_, b) => Array.from({ length: C }, (_, c) => at(vValues, t, b, c))),
        ),
      ),
    ),
};

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });
  const record = () => ({
    spikes: tf.tensor3d(spikeValues, [T, B, C]),
    v: tf.tensor3d(vValues, [T, B, C]),
    dt,
  });

  test.each(LOSS_NAMES.map((name) => [name]))('%s matches the hand computation', async (name) => {
    const r = record();
    const y = tf.tensor1d(labels, 'int32');
    const loss = lossByName(name, { correctRate: 0.8, incorrectRate: 0.1 })(r, y);
    expect(loss.shape).toEqual([]);
    assertClose(await loss.data(), [HAND[name]()], { rtol: 1e-5, atol: 1e-6 }, name);
    await expectNoLeaks(() => lossByName(name)(r, y).dispose());
    tf.dispose([r.spikes, r.v, y, loss]);
  });

  test('spike-count-ce gradient is (softmax(counts) − onehot)/B at every step', async () => {
    const spikes = tf.tensor3d(spikeValues, [T, B, C]);
    const y = tf.tensor1d(labels, 'int32');
    const g = tf.grad((s: tf.Tensor) => lossByName('spike-count-ce')({ spikes: s }, y))(spikes);
    const counts = perClass(spikeValues, sum);
    const perSample = counts.map((row, b) => {
      const e = row.map((z) => Math.exp(z - Math.max(...row)));
      return e.map((v, c) => (v / sum(e) - (c === labels[b] ? 1 : 0)) / B);
    });
    const expected = Array.from({ length: T * B * C }, (_, k) => perSample[Math.floor(k / C) % B][k % C]);
    assertClose(await g.data(), expected, { rtol: 1e-5, atol: 1e-7 }, 'gradient');
    tf.dispose([spikes, y, g]);
  });

  test('readoutScores: counts for spike losses, the voltage readout for the others', async () => {
    const r = record();
    const counts = readoutScores('spike-count-ce', r);
    expect(Array.from(await counts.data())).toEqual(perClass(spikeValues, sum).flat());
    const peak = readoutScores('max-voltage', r);
    assertClose(
      await peak.data(),
      perClass(vValues, (s) => Math.max(...s)).flat(),
      { rtol: 0, atol: 0 },
      'max',
    );
    tf.dispose([r.spikes, r.v, counts, peak]);
  });

  test('missing fields, bad labels, bad names and rates are clear errors', () => {
    const r = record();
    const y = tf.tensor1d(labels, 'int32');
    const wrongLabels = tf.tensor1d([1, 2], 'int32');
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return isPlasticityError(e) ? `${e.code}: ${e.message}` : String(e);
      }
      return 'no error';
    };
    expect(codeOf(() => lossByName('spike-count-ce')({ v: r.v }, y))).toMatch(/^E_CONFIG: .*needs spikes/);
    expect(codeOf(() => lossByName('max-voltage')({ spikes: r.spikes }, y))).toMatch(
      /^E_CONFIG: .*needs voltages/,
    );
    expect(codeOf(() => lossByName('exp-mean-voltage')({ v: r.v }, y))).toMatch(/^E_CONFIG: .*dt/);
    expect(codeOf(() => lossByName('mean-voltage')(r, wrongLabels))).toMatch(/^E_SHAPE: labels/);
    expect(codeOf(() => lossByName('step-voltage')(r, wrongLabels))).toMatch(/^E_SHAPE: labels/);
    expect(codeOf(() => lossByName('step-voltage')({ spikes: r.spikes }, y))).toMatch(
      /^E_CONFIG: .*needs voltages/,
    );
    expect(codeOf(() => lossByName('sum-voltage' as LossName))).toMatch(/^E_CONFIG: loss must be one of/);
    expect(codeOf(() => lossByName('spike-rate-mse', { correctRate: 2 })(r, y))).toMatch(
      /^E_CONFIG: correctRate/,
    );
    tf.dispose([r.spikes, r.v, y, wrongLabels]);
  });
});
