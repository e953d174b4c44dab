import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, packEventBatch } from '@plasticity/core-tensors';
import { useBackend } from '@plasticity/core-tensors/testing';
import type { IntensityName } from './intensity.js';
import { samplePoisson } from './poisson.js';
import { expectedCounts, poissonLogLikelihood, spikeEventUpdate } from './point-process.js';
import { binnedInputs, logFactorialSum, presynapticTraces } from './traces.js';

beforeAll(async () => {
  await useBackend('cpu');
});

// A tiny network: 3 inputs, 2 units, 40 bins of 1 ms, traces with τ = 5 ms.
const STEPS = 40;
const INPUTS = 3;
const UNITS = 2;
const DT = 1;
const TAU = 5;
const rng = createRng(11);
const inputCounts = Array.from({ length: STEPS * INPUTS }, () => (rng.uniform() < 0.2 ? 1 : 0));
const dataCounts = Array.from({ length: STEPS * UNITS }, () => [0, 0, 0, 1, 2][rng.int(5)]);
const W = [0.8, -0.5, 0.3, 1.1, -0.7, 0.4]; // [INPUTS, UNITS] row-major
const B = [-1.2, -0.4];

/** Host float64: traces by the recursion x[t] = a·x[t−1] + c[t−1]. */
function hostTraces(): number[][] {
  const a = Math.exp(-DT / TAU);
  const x = [new Array<number>(INPUTS).fill(0)];
  for (let t = 1; t < STEPS; t++) x.push(x[t - 1].map((v, j) => a * v + inputCounts[(t - 1) * INPUTS + j]));
  return x;
}

const f64 = {
  exp: { f: (u: number) => Math.exp(u) },
  softplus: { f: (u: number) => Math.log1p(Math.exp(u)) },
};

/** The exact log-likelihood of the tiny spike train, Σ n ln(f(u)dt) − f(u)dt − ln n!, in float64. */
function hostLogLikelihood(name: IntensityName, w: number[], b: number[]): number {
  const x = hostTraces();
  let total = 0;
  for (let t = 0; t < STEPS; t++) {
    for (let o = 0; o < UNITS; o++) {
      let u = b[o];
      for (let j = 0; j < INPUTS; j++) u += w[j * UNITS + o] * x[t][j];
      const mean = f64[name].f(u) * DT;
      const n = dataCounts[t * UNITS + o];
      total += n * Math.log(mean) - mean - Math.log([1, 1, 2][n]);
    }
  }
  return total;
}

/** Central finite differences of the host log-likelihood in every weight and bias. */
function finiteDifferences(name: IntensityName): { kernel: number[]; bias: number[] } {
  const h = 1e-6;
  const diff = (bump: (w: number[], b: number[], s: number) => void) => {
    const [wp, bp, wm, bm] = [[...W], [...B], [...W], [...B]];
    bump(wp, bp, h);
    bump(wm, bm, -h);
    return (hostLogLikelihood(name, wp, bp) - hostLogLikelihood(name, wm, bm)) / (2 * h);
  };
  return {
    kernel: W.map((_, i) => diff((w, _b, s) => (w[i] += s))),
    bias: B.map((_, o) => diff((_w, b, s) => (b[o] += s))),
  };
}

/** The tiny network's tensors: input traces `[T, I]`, drive `[T, O]`, data counts `[T, O]`. */
function network() {
  const counts = tf.tensor3d(inputCounts, [STEPS, 1, INPUTS]);
  const traces = tf.reshape(presynapticTraces(counts, DT, TAU), [STEPS, INPUTS]) as tf.Tensor2D;
  const drive = tf.add(tf.matMul(traces, tf.tensor2d(W, [INPUTS, UNITS])), tf.tensor1d(B)) as tf.Tensor2D;
  return { traces, drive, data: tf.tensor2d(dataCounts, [STEPS, UNITS]) };
}

describe('traces', () => {
  test('the decay-matrix traces equal the recursion, and bin t sees only earlier bins', async () => {
    const expected = hostTraces().flat();
    const counts = tf.tensor3d(inputCounts, [STEPS, 1, INPUTS]);
    const traces = presynapticTraces(counts, DT, TAU);
    const got = Array.from(await traces.data());
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    expect(got.slice(0, INPUTS)).toEqual([0, 0, 0]);
    tf.dispose([counts, traces]);
  });

  test('binned inputs of an event batch, and Σ ln n! of its bins', async () => {
    const batch = packEventBatch(
      [
        { times: Float32Array.from([0.2, 0.7, 0.9, 2.5]), units: Int32Array.from([1, 1, 1, 0]) },
        { times: Float32Array.from([1.5]), units: Int32Array.from([1]) },
      ],
      2,
      3,
    );
    const { counts, traces } = binnedInputs(batch, 1, 2);
    expect(counts.shape).toEqual([3, 2, 2]);
    expect(Array.from(await counts.data())).toEqual([0, 3, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0]);
    const decay = Math.exp(-0.5);
    const expected = [0, 0, 0, 0, 0, 3, 0, 0, 0, 3 * decay, 0, 1];
    Array.from(await traces.data()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    expect(logFactorialSum(batch, 1)).toBeCloseTo(Math.log(6), 10); // three spikes in one bin: ln 3!
    tf.dispose([counts, traces]);
  });
});

describe('the spike-event rule is maximum-likelihood learning', () => {
  for (const name of ['exp', 'softplus'] as const) {
    test(`${name}: the expected update equals finite differences of the exact log-likelihood`, async () => {
      const fd = finiteDifferences(name);
      const { traces, drive, data } = network();
      // The model's spikes in expectation: f(u)·dt per bin.
      const mean = expectedCounts(name, drive, DT);
      const update = spikeEventUpdate(name, traces, drive, data, mean);
      const kernel = Array.from(await update.kernel.data());
      const bias = Array.from(await update.bias.data());
      kernel.forEach((g, i) => expect(g).toBeCloseTo(fd.kernel[i], 3));
      bias.forEach((g, o) => expect(g).toBeCloseTo(fd.bias[o], 3));
      // The log-likelihood itself matches, once the data's constant is added.
      const logLik = poissonLogLikelihood(mean, data);
      const lnFactorials = dataCounts.reduce((s, n) => s + Math.log([1, 1, 2][n]), 0);
      expect((await logLik.data())[0] - lnFactorials).toBeCloseTo(hostLogLikelihood(name, W, B), 3);
      tf.dispose([traces, drive, data, mean, update.kernel, update.bias, logLik]);
    });
  }

  test('the update from sampled model spikes is unbiased: its mean over draws is the gradient', async () => {
    const name = 'softplus';
    const fd = finiteDifferences(name);
    const { traces, drive, data } = network();
    const mean = expectedCounts(name, drive, DT);
    const means = (await mean.data()) as Float32Array;
    const draws = 3000;
    const sums = new Float64Array(INPUTS * UNITS);
    const squares = new Float64Array(INPUTS * UNITS);
    const sampler = createRng(5);
    for (let k = 0; k < draws; k++) {
      const model = tf.tensor2d(samplePoisson(means, sampler), [STEPS, UNITS]);
      const update = spikeEventUpdate(name, traces, drive, data, model);
      (await update.kernel.data()).forEach((g, i) => {
        sums[i] += g;
        squares[i] += g * g;
      });
      tf.dispose([model, update.kernel, update.bias]);
    }
    sums.forEach((sum, i) => {
      const average = sum / draws;
      const standardError = Math.sqrt((squares[i] / draws - average ** 2) / draws);
      expect(standardError).toBeGreaterThan(0);
      expect(Math.abs(average - fd.kernel[i])).toBeLessThan(4 * standardError);
    });
    tf.dispose([traces, drive, data, mean]);
  });

  test('Poisson draws have the right mean and variance, small means and large', () => {
    const sampler = createRng(3);
    for (const m of [0.05, 2, 50]) {
      const counts = samplePoisson(new Float32Array(20000).fill(m), sampler);
      const average = counts.reduce((a, b) => a + b, 0) / counts.length;
      const variance = counts.reduce((a, b) => a + (b - average) ** 2, 0) / counts.length;
      expect(Math.abs(average - m)).toBeLessThan(5 * Math.sqrt(m / counts.length));
      // The sample variance's relative standard error is √(1/(m·n) + 2/n) for Poisson counts.
      const relative = Math.sqrt(1 / (m * counts.length) + 2 / counts.length);
      expect(Math.abs(variance / m - 1)).toBeLessThan(5 * relative);
    }
    expect(Array.from(samplePoisson(Float32Array.from([0, -1]), sampler))).toEqual([0, 0]);
  });
});
