import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import {
  createRng,
  fit,
  isPlasticityError,
  packEventBatch,
  parseConfig,
  paramName,
} from '@plasticity/core-tensors';
import type { Batch, StepMetrics, TaskSpec, TensorBatch } from '@plasticity/core-tensors';
import {
  expectNoLeaks,
  memorySplit,
  noisyXor,
  testBackends,
  useBackend,
} from '@plasticity/core-tensors/testing';
import { feedbackName, leastControlRule } from './index.js';
import type { LeastControlConfigInput, LeastControlLearner } from './index.js';

const backends = await testBackends();
// Software GPU backends (SwiftShader WebGPU) pay ~1 ms per dispatched op, and a solve is
// hundreds of ops: there the suite runs a smoke subset, the full matrix on cpu and wasm.
const thorough = (backend: string): boolean => backend === 'cpu' || backend === 'wasm';
const only = <T>(backend: string, cases: readonly T[], keep = 1): T[] =>
  thorough(backend) ? [...cases] : cases.slice(0, keep);
const XOR_TASK: TaskSpec = { input: { kind: 'dense', shape: [2] }, outputs: 2, kind: 'classification' };

/** Three Gaussian blobs in the plane, labels 0–2 (chance: 1/3). */
function blobData(n: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rng = createRng(seed);
  const centres = [
    [1, 0],
    [-0.5, 0.87],
    [-0.5, -0.87],
  ];
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = rng.int(3);
    x[2 * i] = centres[k][0] + rng.normal(0, 0.35);
    x[2 * i + 1] = centres[k][1] + rng.normal(0, 0.35);
    y[i] = k;
  }
  return { x, y };
}
const BLOB_TASK: TaskSpec = { ...XOR_TASK, outputs: 3 };

function create(raw: LeastControlConfigInput, seed = 0, task = XOR_TASK): LeastControlLearner {
  return leastControlRule.create(parseConfig(leastControlRule, raw), task, seed) as LeastControlLearner;
}

function xorBatch(n: number, seed: number): TensorBatch {
  const data = noisyXor(n, seed);
  return { x: tf.tensor2d(data.x, [n, 2]), y: tf.tensor1d(data.y, 'int32'), size: n };
}

async function values(params: Record<string, tf.Tensor>): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(params)) out[k] = Array.from(await v.data());
  return out;
}

async function accuracy(
  learner: LeastControlLearner,
  data: (n: number, seed: number) => { x: Float32Array; y: Int32Array },
  n: number,
  seed: number,
): Promise<number> {
  const test = data(n, seed);
  const x = tf.tensor2d(test.x, [n, 2]);
  const scores = await learner.predict(x);
  const predicted = tf.tidy(() => tf.argMax(scores, 1));
  const labels = Array.from(await predicted.data());
  tf.dispose([x, scores, predicted]);
  return labels.reduce((a, l, i) => a + (l === test.y[i] ? 1 : 0), 0) / n;
}

// Fast settings for the learning tests: a controller that converges in a few iterations.
const QUICK: LeastControlConfigInput = {
  hidden: [12],
  learningRate: 0.03,
  tauU: 0.5,
  maxIterations: 60,
  tolerance: 1e-4,
};

// Feed-forward variants learn XOR (needs the hidden layer). Recurrent ones learn three blobs:
// on XOR a tiny recurrent net grows its recurrence until its free dynamics turn bistable, and
// the controlled and free equilibria then sit in different basins (see README).
const VARIANTS: { name: string; config: LeastControlConfigInput; recurrent?: boolean }[] = [
  { name: 'feed-forward, dynamics, inversion', config: {} },
  { name: 'feed-forward, dynamics, linear feedback', config: { feedback: 'linear' } },
  {
    name: 'feed-forward, energy (adam)',
    config: { solver: 'energy', maxIterations: 40, energyLearningRate: 0.05 },
  },
  { name: 'two hidden layers, dynamics, inversion', config: { hidden: [12, 8] } },
  {
    name: 'recurrent, dynamics, inversion',
    config: { network: 'recurrent', learningRate: 0.01 },
    recurrent: true,
  },
  {
    name: 'recurrent, dynamics, linear feedback',
    config: { network: 'recurrent', feedback: 'linear', learningRate: 0.01 },
    recurrent: true,
  },
  {
    name: 'recurrent, energy (gd)',
    config: {
      network: 'recurrent',
      solver: 'energy',
      energyOptimizer: 'gd',
      energyLearningRate: 0.3,
      maxIterations: 40,
      learningRate: 0.01,
    },
    recurrent: true,
  },
];

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  // The heavy cases run where an op costs microseconds; SwiftShader's WebGPU runs the rest.
  const heavy = (name: string, fn: () => Promise<void>, timeout?: number): void => {
    if (thorough(backend)) test(name, fn, timeout);
  };
  const heavyEach = thorough(backend) ? test.each(VARIANTS) : undefined;

  heavyEach?.('$name learns a tiny problem', async ({ config, recurrent }) => {
    const data = recurrent ? blobData : noisyXor;
    const learner = create({ ...QUICK, ...config }, 0, recurrent ? BLOB_TASK : XOR_TASK);
    const train = data(128, 1);
    const split = memorySplit(train.x, train.y, [2]);
    const losses: number[] = [];
    for (let epoch = 0; epoch < 8; epoch++) {
      let sum = 0;
      let count = 0;
      for await (const batch of split.batches({ batchSize: 32, seed: 0, epoch })) {
        const m = await learner.trainStep(batch);
        expect(Number.isFinite(m.loss)).toBe(true);
        sum += m.loss;
        count++;
      }
      losses.push(sum / count);
    }
    expect(losses[losses.length - 1]).toBeLessThan(0.5 * losses[0]);
    expect(await accuracy(learner, data, 200, 2)).toBeGreaterThan(0.85); // chance: 1/2 (XOR), 1/3 (blobs)
    learner.dispose();
  });

  heavy('metrics report the solve: iterations, residual, unconverged, controller effort', async () => {
    const learner = create({ hidden: [8], network: 'recurrent', tolerance: 1e-5, maxIterations: 500 });
    const batch = xorBatch(16, 3);
    const m = await learner.trainStep(batch);
    expect(Object.keys(m)).toEqual(
      expect.arrayContaining([
        'loss',
        'accuracy',
        'iterations',
        'residual',
        'unconverged',
        'controlU',
        'controlE',
        'freeIterations',
      ]),
    );
    expect(m.iterations).toBeGreaterThan(1);
    expect(m.iterations).toBeLessThan(500);
    expect(m.residual).toBeLessThanOrEqual(1e-5);
    expect(m.unconverged).toBe(0);
    expect(m.controlU).toBeGreaterThan(0);
    expect(m.controlE).toBeGreaterThan(0);
    // The loss is the task loss at the free prediction (before the update).
    const before = await learner.predict(batch.x);
    tf.dispose(before);
    tf.dispose([batch.x, batch.y]);
    learner.dispose();
  });

  test.each(
    only(backend, [
      ['energy', { solver: 'energy', maxIterations: 5, energyLearningRate: 0.05 }, 1e-4],
      ['dynamics', { tolerance: 1e-7, maxIterations: 800 }, 2e-2],
    ] as [string, LeastControlConfigInput, number][]),
  )(
    'controller effort (%s solver) is ½(‖u*‖² + Σ‖e*‖²), batch mean, with u* = v_pred* − dec(v*) and e* = v* − f(x, v*) at the state the solve reached',
    async (_solver, config, rtol) => {
      const learner = create({ ...config, hidden: [6, 5], activation: 'tanh' }, 3);
      const batch = xorBatch(8, 5);
      const eq = await learner.equilibrium(batch);
      const p = (await values(learner.params as Record<string, tf.Tensor>)) as Record<string, number[]>;
      const x = Array.from(await batch.x.data());
      const v = await Promise.all(eq.v.map(async (t) => Array.from(await t.data())));
      const vp = Array.from(await eq.vp.data());
      tf.dispose([...eq.v, eq.vp, ...Object.values(eq.grads)]);
      // f_k(input) = input · W_k + b_k, kernels stored [in, out] row-major.
      const affine = (input: number[], k: number, out: number) => {
        const w = p[paramName(k, 'kernel')];
        const b = p[paramName(k, 'bias')];
        return Array.from(
          { length: out },
          (_, j) => b[j] + input.reduce((a, xi, i) => a + xi * w[i * out + j], 0),
        );
      };
      const widths = [6, 5];
      const efforts: number[] = [];
      const us: number[] = [];
      const es: number[] = [];
      for (let s = 0; s < batch.size; s++) {
        let input = x.slice(2 * s, 2 * s + 2);
        let eSquared = 0;
        widths.forEach((width, k) => {
          const vk = v[k].slice(s * width, (s + 1) * width);
          const fk = affine(input, k, width);
          eSquared += vk.reduce((a, vi, i) => a + (vi - fk[i]) ** 2, 0);
          input = vk.map(Math.tanh);
        });
        const dec = affine(input, widths.length, 2);
        const uSquared = [0, 1].reduce((a, j) => a + (vp[2 * s + j] - dec[j]) ** 2, 0);
        efforts.push(0.5 * (uSquared + eSquared));
        us.push(Math.sqrt(uSquared));
        es.push(Math.sqrt(eSquared));
      }
      const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
      const m = await learner.trainStep(batch); // solves the same batch from the same weights
      const near = (actual: number, expected: number) =>
        expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rtol * Math.abs(expected) + 1e-7);
      near(m.controlEffort, mean(efforts));
      near(m.controlU, mean(us));
      near(m.controlE, mean(es));
      expect(mean(efforts)).toBeGreaterThan(1e-6); // a real control, not a vacuous zero
      tf.dispose([batch.x, batch.y]);
      learner.dispose();
    },
  );

  test('a solve that cannot converge is reported in the metrics, with finite values', async () => {
    const learner = create({ hidden: [8], maxIterations: 1, tolerance: 1e-12 });
    const batch = xorBatch(16, 4);
    const m = await learner.trainStep(batch);
    expect(m.iterations).toBe(1);
    expect(m.residual).toBeGreaterThan(1e-12);
    expect(m.unconverged).toBeGreaterThan(0);
    for (const value of Object.values(m)) expect(Number.isFinite(value)).toBe(true);
    tf.dispose([batch.x, batch.y]);
    learner.dispose();
  });

  test.each(
    only(backend, [
      ['dynamics', { tauU: 0.01 }, /controller u.* diverged in the dynamics solver/],
      [
        'energy',
        { solver: 'energy', energyOptimizer: 'gd', energyLearningRate: 100 },
        /diverged in the energy solver/,
      ],
      [
        'recurrent free equilibrium',
        { network: 'recurrent', activation: 'linear', recurrentRadius: 3 },
        /free network state v diverged in the free equilibrium/,
      ],
    ] as const),
  )('a diverging %s stops with E_DIVERGED naming the state, never NaN', async (_name, raw, message) => {
    const learner = create({ hidden: [8], maxIterations: 400, checkEvery: 5, ...raw });
    const batch = xorBatch(16, 5);
    const before = tf.memory().numTensors;
    const params = await values(learner.params);
    let error: unknown;
    try {
      await learner.trainStep(batch);
    } catch (e) {
      error = e;
    }
    expect(isPlasticityError(error, 'E_DIVERGED')).toBe(true);
    expect((error as Error).message).toMatch(message);
    // Nothing leaked and nothing learned from the failed step.
    expect(tf.memory().numTensors).toBe(before);
    expect(await values(learner.params)).toEqual(params);
    tf.dispose([batch.x, batch.y]);
    learner.dispose();
  });

  test('the same seed gives the same network; another seed another', async () => {
    const a = create({ hidden: [6], network: 'recurrent', feedback: 'linear' }, 5);
    const b = create({ hidden: [6], network: 'recurrent', feedback: 'linear' }, 5);
    const c = create({ hidden: [6], network: 'recurrent', feedback: 'linear' }, 6);
    expect(Object.keys(a.params).sort()).toEqual(
      [
        'layers.0.kernel',
        'layers.0.bias',
        'layers.0.recurrent',
        'layers.1.kernel',
        'layers.1.bias',
        'feedback.0',
      ].sort(),
    );
    expect(a.params[paramName(0, 'kernel')].shape).toEqual([2, 6]);
    expect(a.params[feedbackName(0)].shape).toEqual([2, 6]);
    expect(await values(a.params)).toEqual(await values(b.params));
    expect((await values(c.params))[paramName(0, 'kernel')]).not.toEqual(
      (await values(a.params))[paramName(0, 'kernel')],
    );
    [a, b, c].forEach((l) => l.dispose());
  });

  test('inputs with the wrong feature count or event batches are E_SHAPE errors', async () => {
    const learner = create({ hidden: [4] });
    const batch = { x: tf.zeros([3, 5]), y: tf.zeros([3], 'int32'), size: 3 };
    await expect(learner.trainStep(batch)).rejects.toMatchObject({ code: 'E_SHAPE' });
    const events = packEventBatch([{ times: Float32Array.of(1), units: Int32Array.of(0) }], 2, 10);
    expect(() => learner.predict(events)).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    tf.dispose([batch.x, batch.y]);
    learner.dispose();
  });

  test.each(
    only(backend, [
      ['feed-forward, inversion', { maxIterations: thorough(backend) ? 20 : 3, checkEvery: 3 }],
      ['recurrent, linear feedback, clipped', { network: 'recurrent', feedback: 'linear', clipNorm: 0.1 }],
      ['energy, weight decay', { solver: 'energy', maxIterations: 20, weightDecay: 1e-3 }],
    ] as const),
  )('%s: trainStep, predict and dispose leak no tensors', async (_name, raw) => {
    const start = tf.memory().numTensors;
    const learner = create({ hidden: [8], ...raw });
    const batch = xorBatch(16, 6);
    await expectNoLeaks(() => learner.trainStep(batch), { warmup: 1, repeats: thorough(backend) ? 6 : 2 });
    await expectNoLeaks(async () => (await learner.predict(batch.x)).dispose(), { repeats: 2 });
    tf.dispose([batch.x, batch.y]);
    learner.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  heavy('saveState/loadState resume exactly (weights, optimiser and feedback Q)', async () => {
    const cfg: LeastControlConfigInput = {
      hidden: [8],
      network: 'recurrent',
      feedback: 'linear',
      learningRate: 0.01,
    };
    const batches: Batch[] = [0, 1, 2, 3, 4].map((s) => xorBatch(16, 10 + s));
    const a = create(cfg, 3);
    for (const batch of batches.slice(0, 2)) await a.trainStep(batch);
    const state = await a.saveState!();
    const b = create(cfg, 3);
    for (const [name, v] of Object.entries(b.params)) v.assign(a.params[name]);
    await b.loadState!(state);
    tf.dispose(Object.values(state));
    for (const batch of batches.slice(2)) {
      const ma: StepMetrics = await a.trainStep(batch);
      const mb: StepMetrics = await b.trainStep(batch);
      expect(mb).toEqual(ma);
    }
    expect(await values(b.params)).toEqual(await values(a.params));
    tf.dispose(batches.flatMap((bt) => [bt.x, bt.y as tf.Tensor]) as tf.Tensor[]);
    a.dispose();
    b.dispose();
  });

  heavy('trains through fit() with a schedule; recurrent predict is asynchronous', async () => {
    const data = blobData(128, 7);
    const held = blobData(64, 8);
    const learner = create({ ...QUICK, network: 'recurrent' }, 1, BLOB_TASK);
    const result = await fit(
      learner,
      { train: memorySplit(data.x, data.y, [2]), test: memorySplit(held.x, held.y, [2]) },
      { epochs: 6, batchSize: 32, learningRate: 0.01, schedule: { kind: 'cosine', minFactor: 0.1 }, seed: 0 },
    );
    expect(result.history).toHaveLength(6);
    expect(result.history[0].train.iterations).toBeGreaterThan(0);
    expect(result.history[5].learningRate).toBeLessThan(0.01);
    expect(result.test!.accuracy).toBeGreaterThan(0.9);
    learner.dispose();
  });
});
