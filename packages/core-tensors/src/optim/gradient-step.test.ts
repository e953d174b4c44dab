import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { assertClose, testBackends, tolerance, useBackend } from '../testing/index.js';
import { createGradientStep } from './gradient-step.js';
import type { GradientStep, GradientStepOptions } from './gradient-step.js';
import { optimizerConfigShape, weightDecaySchema } from './optimizer-config.js';
import type { GradientOptimizerName } from './optimizer-config.js';

// Two params; `b`'s gradients are tiny so that Adam's epsilon (1e-7) visibly shapes its step.
const P0: Record<string, number[]> = { w: [0.5, -1.25, 2, 0.125, -0.75, 1.5], b: [0.3, -0.2] };
const SHAPES: Record<string, number[]> = { w: [2, 3], b: [2] };
const GRADS: Record<string, number[]>[] = [
  { w: [0.2, -0.4, 0.1, 0.05, -0.3, 0.6], b: [2e-7, -1e-7] },
  { w: [-0.1, 0.3, 0.2, -0.25, 0.15, 0.05], b: [3e-7, 4e-7] },
  { w: [0.05, 0.05, -0.5, 0.4, 0.1, -0.2], b: [-1e-7, 2e-7] },
  { w: [0.3, -0.2, 0.25, -0.15, 0.35, 0.1], b: [1e-7, -3e-7] },
];

function makeParams(values: Record<string, ArrayLike<number>> = P0): Record<string, tf.Variable> {
  return Object.fromEntries(
    Object.entries(SHAPES).map(([name, shape]) => [
      name,
      tf.tidy(() => tf.variable(tf.tensor(Array.from(values[name]), shape))),
    ]),
  );
}

function makeStep(options: GradientStepOptions, values?: Record<string, ArrayLike<number>>): GradientStep {
  return createGradientStep(makeParams(values), options);
}

/** Applies host gradients `g` (the step's caller owns and frees them). */
function applyHost(step: GradientStep, g: Record<string, number[]>): void {
  const grads = Object.fromEntries(Object.entries(g).map(([n, v]) => [n, tf.tensor(v, SHAPES[n])]));
  step.apply(grads);
  tf.dispose(Object.values(grads));
}

async function values(step: GradientStep): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  for (const [name, v] of Object.entries(step.params)) out[name] = (await v.data()) as Float32Array;
  return out;
}

/** The same optimisers written out in float64, independently of tfjs (its published update rules). */
function reference(options: Required<Omit<GradientStepOptions, 'decayed'>> & { decayed?: string[] }) {
  const p = Object.fromEntries(Object.entries(P0).map(([n, v]) => [n, [...v]]));
  const slot = () => Object.fromEntries(Object.entries(P0).map(([n, v]) => [n, v.map(() => 0)]));
  const [m, v, acc] = [slot(), slot(), slot()];
  const lr = options.learningRate;
  GRADS.forEach((g, step) => {
    const t = step + 1;
    for (const name of Object.keys(p)) {
      const decays = options.weightDecay > 0 && (options.decayed ?? Object.keys(p)).includes(name);
      p[name] = p[name].map((x, i) => {
        const gi = g[name][i];
        let next: number;
        if (options.optimizer === 'sgd') {
          next = x - lr * gi;
        } else if (options.optimizer === 'momentum') {
          acc[name][i] = options.momentum * acc[name][i] + gi;
          next = x - lr * (options.nesterov ? gi + options.momentum * acc[name][i] : acc[name][i]);
        } else if (options.optimizer === 'adabelief') {
          // Zhuang et al. 2020, Algorithm 2: the second moment of g − m, plus ε = 1e-16.
          m[name][i] = options.beta1 * m[name][i] + (1 - options.beta1) * gi;
          const surprise = gi - m[name][i];
          v[name][i] = options.beta2 * v[name][i] + (1 - options.beta2) * surprise * surprise + 1e-16;
          const mHat = m[name][i] / (1 - options.beta1 ** t);
          const vHat = v[name][i] / (1 - options.beta2 ** t);
          next = x - (lr * mHat) / (Math.sqrt(vHat) + options.epsilon);
        } else {
          m[name][i] = options.beta1 * m[name][i] + (1 - options.beta1) * gi;
          v[name][i] = options.beta2 * v[name][i] + (1 - options.beta2) * gi * gi;
          const mHat = m[name][i] / (1 - options.beta1 ** t);
          const vHat = v[name][i] / (1 - options.beta2 ** t);
          next = x - (lr * mHat) / (Math.sqrt(vHat) + options.epsilon);
        }
        return decays ? next - lr * options.weightDecay * x : next;
      });
    }
  });
  return p;
}

const DEFAULTS = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, momentum: 0.9, nesterov: false, weightDecay: 0 };

const backends = await testBackends();

describe.each(backends)('createGradientStep on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test.each<[string, Partial<GradientStepOptions> & { optimizer: GradientOptimizerName }]>([
    ['sgd', { optimizer: 'sgd' }],
    ['momentum', { optimizer: 'momentum', momentum: 0.8 }],
    ['nesterov momentum', { optimizer: 'momentum', momentum: 0.8, nesterov: true }],
    ['adam (defaults: epsilon 1e-7)', { optimizer: 'adam' }],
    ['adam (own betas)', { optimizer: 'adam', beta1: 0.8, beta2: 0.95, epsilon: 1e-6 }],
    ['sgd + weight decay on w', { optimizer: 'sgd', weightDecay: 0.1, decayed: ['w'] }],
    ['adam + weight decay on all', { optimizer: 'adam', weightDecay: 0.2 }],
    ['adabelief', { optimizer: 'adabelief' }],
    [
      'adabelief (own betas) + weight decay',
      { optimizer: 'adabelief', beta1: 0.8, beta2: 0.95, weightDecay: 0.1 },
    ],
  ])('%s: four steps match the float64 update rule', async (_, options) => {
    const full = { ...DEFAULTS, learningRate: 0.05, ...options } as Parameters<typeof reference>[0];
    const step = makeStep(full);
    for (const g of GRADS) applyHost(step, g);
    expect(step.iterations).toBe(GRADS.length);
    const expected = reference(full);
    const actual = await values(step);
    for (const name of Object.keys(P0)) assertClose(actual[name], expected[name], tolerance(backend), name);
    step.dispose();
  });

  test('the epsilon default matters: Adam on tiny gradients is not sign-descent', async () => {
    const step = makeStep({ optimizer: 'adam', learningRate: 0.05 });
    applyHost(step, GRADS[0]);
    const b = (await values(step)).b;
    // |g| = 2e-7 with epsilon 1e-7: the step is lr·2/3, not lr.
    expect(b[0]).toBeCloseTo(P0.b[0] - (0.05 * 2) / 3, 5);
    step.dispose();
  });

  test.each<GradientOptimizerName>(['sgd', 'momentum', 'adam', 'adabelief'])(
    '%s: save → load → continue equals the uninterrupted run bit for bit',
    async (optimizer) => {
      const options = { optimizer, learningRate: 0.05, weightDecay: 0.01 };
      const a = makeStep(options);
      applyHost(a, GRADS[0]);
      applyHost(a, GRADS[1]);
      const state = await a.saveState();
      const adam = ['b/m', 'b/v', 'w/m', 'w/v'];
      const keys = { sgd: [], momentum: ['b/momentum', 'w/momentum'], adam, adabelief: adam };
      expect(Object.keys(state).sort()).toEqual(
        [
          ...keys[optimizer],
          'iterations',
          ...(optimizer === 'adam' || optimizer === 'adabelief' ? ['beta1Power', 'beta2Power'] : []),
        ].sort(),
      );
      const b = makeStep(options, await values(a));
      await b.loadState(state);
      tf.dispose(Object.values(state));
      expect(b.iterations).toBe(2);
      for (const g of GRADS.slice(2)) {
        applyHost(a, g);
        applyHost(b, g);
      }
      expect(await values(b)).toEqual(await values(a));
      a.dispose();
      b.dispose();
    },
  );

  test('a learning-rate change takes effect on the next step', async () => {
    const step = makeStep({ optimizer: 'sgd', learningRate: 0.5 });
    step.learningRate = 0.1;
    expect(step.learningRate).toBe(0.1);
    applyHost(step, GRADS[0]);
    const expected = P0.w.map((x, i) => x - 0.1 * GRADS[0].w[i]);
    assertClose((await values(step)).w, expected, tolerance(backend), 'w');
    expect(() => (step.learningRate = -1)).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(step.learningRate).toBe(0.1);
    step.dispose();
  });

  test('gradients must name exactly the params, with their shapes', () => {
    const step = makeStep({ optimizer: 'adam', learningRate: 0.1 });
    const w = tf.zeros([2, 3]);
    const b = tf.zeros([2]);
    const wrong = tf.zeros([3, 2]);
    const cases: [Record<string, tf.Tensor>, string, RegExp][] = [
      [{ w }, 'E_CONFIG', /missing: b/],
      [{ w, b, c: b }, 'E_CONFIG', /unexpected: c/],
      [{ w: wrong, b }, 'E_SHAPE', /"w" has shape \[3,2\], the param has \[2,3\]/],
    ];
    for (const [grads, code, message] of cases) {
      expect(() => step.apply(grads)).toThrow(
        expect.objectContaining({ code, message: expect.stringMatching(message) }),
      );
    }
    expect(step.iterations).toBe(0);
    tf.dispose([w, b, wrong]);
    step.dispose();
  });

  test.each([
    ['optimizer', { optimizer: 'rmsprop' }],
    ['learningRate', { learningRate: Number.NaN }],
    ['weightDecay', { weightDecay: -1 }],
    ['decayed', { decayed: ['nope'] }],
  ])('bad %s is an E_CONFIG error naming the field', (field, override) => {
    const params = makeParams();
    const build = () =>
      createGradientStep(params, { optimizer: 'sgd', learningRate: 0.1, ...(override as object) });
    expect(build).toThrow(
      expect.objectContaining({ code: 'E_CONFIG', details: expect.objectContaining({ field }) }),
    );
    tf.dispose(Object.values(params));
  });

  test.each<GradientOptimizerName>(['sgd', 'momentum', 'adam', 'adabelief'])(
    '%s: no tensors leak over 50 steps; the caller keeps its gradients; dispose frees all, once',
    async (optimizer) => {
      const start = tf.memory().numTensors;
      const step = makeStep({ optimizer, learningRate: 0.01, weightDecay: 1e-3 });
      const grads = { w: tf.tensor(GRADS[0].w, SHAPES.w), b: tf.tensor(GRADS[0].b, SHAPES.b) };
      step.apply(grads); // creates the optimiser slots
      const afterFirst = tf.memory().numTensors;
      for (let i = 0; i < 50; i++) step.apply(grads);
      expect(tf.memory().numTensors).toBe(afterFirst);
      expect(grads.w.isDisposed || grads.b.isDisposed).toBe(false);
      const state = await step.saveState();
      await step.loadState(state);
      tf.dispose(Object.values(state));
      step.learningRate = 0.02;
      step.apply(grads);
      expect(tf.memory().numTensors).toBe(afterFirst);
      tf.dispose(Object.values(grads));
      step.dispose();
      step.dispose();
      expect(tf.memory().numTensors).toBe(start);
      expect(() => step.apply(grads)).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
    },
  );
});

test('a parsed optimiser config is the step’s options, with the shared defaults', () => {
  const schema = z.strictObject({
    ...optimizerConfigShape,
    weightDecay: weightDecaySchema,
    hidden: z.number(),
  });
  const config = schema.parse({ hidden: 3 });
  expect(config).toEqual({
    optimizer: 'adam',
    learningRate: 1e-3,
    momentum: 0.9,
    nesterov: false,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
    weightDecay: 0,
    hidden: 3,
  });
  const options: GradientStepOptions = config;
  expect(options.optimizer).toBe('adam');
  expect(() => schema.parse({ hidden: 3, optimizer: 'rmsprop' })).toThrow();
});
