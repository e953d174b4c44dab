// The least-control update against independent computations, on every backend:
//  - autodiff (tf.grads) of ½‖v* − f(x,v*)‖² + ½‖v_pred* − dec(v*)‖² with respect to the weights,
//    the states held fixed, written here with plain ops (not the rule's code);
//  - stationarity: autodiff of the full energy with respect to the states vanishes at v*;
//  - a linear network with squared error, whose controlled equilibrium has a closed form;
//  - α → ∞: the update, times α, becomes the backprop gradient of the batch loss.
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, parseConfig, paramName } from '@plasticity/core-tensors';
import type { TaskSpec, TensorBatch } from '@plasticity/core-tensors';
import { assertClose, testBackends, useBackend } from '@plasticity/core-tensors/testing';
import type { Tolerance } from '@plasticity/core-tensors/testing';
import { leastControlRule } from './index.js';
import type { LeastControlConfigInput, LeastControlLearner } from './index.js';

const backends = await testBackends();
// Software GPU backends (SwiftShader WebGPU) pay ~1 ms per dispatched op; the energy solver's
// thousands of tight-tolerance iterations run on cpu and wasm only.
const thorough = (backend: string): boolean => backend === 'cpu' || backend === 'wasm';
const INPUTS = 3;
const OUTPUTS = 3;
const BATCH = 6;
const CLASSIFY: TaskSpec = {
  input: { kind: 'dense', shape: [INPUTS] },
  outputs: OUTPUTS,
  kind: 'classification',
};
const REGRESS: TaskSpec = { input: { kind: 'dense', shape: [INPUTS] }, outputs: 2, kind: 'regression' };

// Tight convergence so that the equilibrium conditions hold to float32 precision.
const TIGHT = { maxIterations: 3000, tolerance: 1e-6, checkEvery: 10 } as const;

/** Float32 comparisons of two computations of the same quantity (not exact vs float64). */
function closeness(backend: string): Tolerance {
  return backend === 'cpu' || backend === 'wasm' ? { rtol: 1e-4, atol: 1e-6 } : { rtol: 2e-3, atol: 1e-4 };
}

function makeBatch(task: TaskSpec, seed: number): TensorBatch {
  const rng = createRng(seed);
  const x = tf.tensor2d(rng.normalArray(BATCH * INPUTS), [BATCH, INPUTS]);
  const y =
    task.kind === 'classification'
      ? tf.tensor1d(
          Int32Array.from({ length: BATCH }, () => rng.int(OUTPUTS)),
          'int32',
        )
      : tf.tensor2d(rng.normalArray(BATCH * task.outputs), [BATCH, task.outputs]);
  return { x, y, size: BATCH };
}

function create(task: TaskSpec, raw: LeastControlConfigInput, seed = 1): LeastControlLearner {
  return leastControlRule.create(parseConfig(leastControlRule, raw), task, seed) as LeastControlLearner;
}

/** Names of the trainable weights, in a fixed order. */
function weightNames(hidden: number, recurrent: boolean): string[] {
  const names: string[] = [];
  for (let k = 0; k <= hidden; k++) names.push(paramName(k, 'kernel'), paramName(k, 'bias'));
  if (recurrent) for (let k = 0; k < hidden; k++) names.push(paramName(k, 'recurrent'));
  return names;
}

const act = (v: tf.Tensor, linear: boolean): tf.Tensor => (linear ? v : tf.tanh(v));

/**
 * ½Σ‖v_k − f_k(x, v)‖² + ½‖v_pred − dec(v)‖², written out with plain ops from the weights by
 * name (an independent copy of the network's definition).
 */
function residualEnergy(
  w: Record<string, tf.Tensor>,
  x: tf.Tensor,
  v: readonly tf.Tensor[],
  vp: tf.Tensor,
  options: { recurrent: boolean; linear: boolean },
): tf.Scalar {
  const L = v.length;
  let total = tf.scalar(0);
  for (let k = 0; k < L; k++) {
    const input = k === 0 ? x : act(v[k - 1], options.linear);
    let f = tf.add(
      tf.matMul(input as tf.Tensor2D, w[paramName(k, 'kernel')] as tf.Tensor2D),
      w[paramName(k, 'bias')],
    );
    if (options.recurrent) {
      f = tf.add(
        f,
        tf.matMul(act(v[k], options.linear) as tf.Tensor2D, w[paramName(k, 'recurrent')] as tf.Tensor2D),
      );
    }
    total = tf.add(total, tf.mul(0.5, tf.sum(tf.square(tf.sub(v[k], f)))));
  }
  const dec = tf.add(
    tf.matMul(act(v[L - 1], options.linear) as tf.Tensor2D, w[paramName(L, 'kernel')] as tf.Tensor2D),
    w[paramName(L, 'bias')],
  );
  return tf.add(total, tf.mul(0.5, tf.sum(tf.square(tf.sub(vp, dec))))) as tf.Scalar;
}

/** Mean softmax cross-entropy, from scratch. */
function crossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  const oneHot = tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1] as number);
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1)));
}

async function flat(ts: readonly tf.Tensor[]): Promise<Float32Array> {
  const parts = await Promise.all(ts.map((t) => t.data()));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p as Float32Array, at);
    at += p.length;
  }
  return out;
}

const CASES: { name: string; config: LeastControlConfigInput }[] = [
  { name: 'feed-forward, dynamic inversion', config: { hidden: [4, 5] } },
  { name: 'recurrent, dynamic inversion', config: { network: 'recurrent', hidden: [5] } },
  {
    name: 'feed-forward, energy (gd)',
    config: { hidden: [4, 5], solver: 'energy', energyOptimizer: 'gd', energyLearningRate: 0.3 },
  },
  {
    name: 'recurrent, energy (gd)',
    config: {
      network: 'recurrent',
      hidden: [5],
      solver: 'energy',
      energyOptimizer: 'gd',
      energyLearningRate: 0.3,
    },
  },
];

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test.each(thorough(backend) ? CASES : CASES.slice(0, 2))(
    '$name: the update is the autodiff gradient at v*, and v* is stationary',
    async ({ config }) => {
      const learner = create(CLASSIFY, { ...config, ...TIGHT, alpha: 0.5 });
      const recurrent = config.network === 'recurrent';
      const names = weightNames((config.hidden ?? []).length, recurrent);
      const batch = makeBatch(CLASSIFY, 2);
      const eq = await learner.equilibrium(batch);
      expect(eq.report.residual).toBeLessThanOrEqual(1e-6);
      expect(eq.report.unconverged).toBe(0);

      // The rule's descent direction (−ΔW) = ∂/∂W of the residual energy at fixed states.
      const weights = names.map((n) => learner.params[n]);
      const expected = tf.tidy(() =>
        tf.grads((...ws: tf.Tensor[]) =>
          residualEnergy(Object.fromEntries(names.map((n, i) => [n, ws[i]])), batch.x, eq.v, eq.vp, {
            recurrent,
            linear: false,
          }),
        )(weights),
      );
      for (const [i, name] of names.entries()) {
        assertClose(await eq.grads[name].data(), await expected[i].data(), closeness(backend), name);
      }

      // ∂E/∂(v, v_pred) of E = residual energy + L(v_pred)/α: ~0 at v*, not at the free state.
      const stateGradient = (v: readonly tf.Tensor[], vp: tf.Tensor) =>
        tf.tidy(() =>
          tf.grads(
            (...s: tf.Tensor[]) =>
              tf.add(
                residualEnergy(
                  Object.fromEntries(names.map((n) => [n, learner.params[n]])),
                  batch.x,
                  s.slice(0, -1),
                  s[s.length - 1],
                  {
                    recurrent,
                    linear: false,
                  },
                ),
                tf.div(crossEntropy(s[s.length - 1], batch.y), 0.5),
              ) as tf.Scalar,
          )([...v, vp]),
        );
      const atRest = stateGradient(eq.v, eq.vp);
      const norm = async (ts: tf.Tensor[]) => Math.hypot(...(await flat(ts)));
      const freeV = eq.v.map((t) => tf.zerosLike(t));
      const atZero = stateGradient(freeV, tf.zerosLike(eq.vp));
      expect(await norm(atRest)).toBeLessThan(1e-3 * (await norm(atZero)));

      tf.dispose([...expected, ...atRest, ...atZero, ...freeV, ...eq.v, eq.vp, ...Object.values(eq.grads)]);
      tf.dispose([batch.x, batch.y]);
      learner.dispose();
    },
  );

  (thorough(backend) ? test : () => undefined)(
    'dynamics (dynamic inversion) and energy minimisation reach the same equilibrium',
    async () => {
      const batch = makeBatch(CLASSIFY, 3);
      const run = async (raw: LeastControlConfigInput) => {
        const learner = create(CLASSIFY, { hidden: [4, 5], alpha: 0.3, ...TIGHT, ...raw });
        const eq = await learner.equilibrium(batch);
        const values = await flat([...eq.v, eq.vp]);
        tf.dispose([...eq.v, eq.vp, ...Object.values(eq.grads)]);
        learner.dispose();
        return values;
      };
      const dynamics = await run({ solver: 'dynamics' });
      const energy = await run({ solver: 'energy', energyOptimizer: 'gd', energyLearningRate: 0.3 });
      assertClose(energy, dynamics, { rtol: 1e-3, atol: 1e-4 }, 'v*, v_pred*');
      tf.dispose([batch.x, batch.y]);
    },
  );

  test.each(
    [
      ['dynamics', {}],
      ['energy', { solver: 'energy', energyOptimizer: 'gd', energyLearningRate: 0.2 }],
    ].slice(0, thorough(backend) ? 2 : 1) as [string, LeastControlConfigInput][],
  )('linear network, squared error: the %s equilibrium matches the closed form', async (_name, raw) => {
    const alpha = 0.5;
    const learner = create(REGRESS, { hidden: [4], activation: 'linear', alpha, ...TIGHT, ...raw });
    const batch = makeBatch(REGRESS, 4);
    const eq = await learner.equilibrium(batch);
    const [x, y, w0, b0, d, bd] = await Promise.all(
      [
        batch.x,
        batch.y,
        ...[paramName(0, 'kernel'), paramName(0, 'bias'), paramName(1, 'kernel'), paramName(1, 'bias')].map(
          (n) => learner.params[n],
        ),
      ].map((t) => t.data()),
    );
    const H = 4;
    const O = 2;
    // Per sample: a = xW₀ + b₀, p₀ = aD + b_D, M = DᵀD + I, u = −c(p₀ − y)(I + cM)⁻¹ with
    // c = 2/(αB) (∇ of the batch-mean squared error), e = uDᵀ, v = a + e, v_pred = p₀ + uM.
    const c = 2 / (alpha * BATCH);
    const M = [
      [1, 0],
      [0, 1],
    ];
    for (let i = 0; i < O; i++)
      for (let j = 0; j < O; j++) for (let h = 0; h < H; h++) M[i][j] += d[h * O + i] * d[h * O + j];
    const A = M.map((row, i) => row.map((m, j) => (i === j ? 1 : 0) + c * m));
    const det = A[0][0] * A[1][1] - A[0][1] * A[1][0];
    const inv = [
      [A[1][1] / det, -A[0][1] / det],
      [-A[1][0] / det, A[0][0] / det],
    ];
    const vExpected = new Float64Array(BATCH * H);
    const vpExpected = new Float64Array(BATCH * O);
    const eExpected: number[][] = [];
    for (let s = 0; s < BATCH; s++) {
      const a = Array.from({ length: H }, (_, h) => {
        let acc = b0[h];
        for (let i = 0; i < INPUTS; i++) acc += x[s * INPUTS + i] * w0[i * H + h];
        return acc;
      });
      const p0 = Array.from({ length: O }, (_, o) => {
        let acc = bd[o];
        for (let h = 0; h < H; h++) acc += a[h] * d[h * O + o];
        return acc;
      });
      const r = p0.map((p, o) => -c * (p - y[s * O + o]));
      const u = [0, 1].map((j) => r[0] * inv[0][j] + r[1] * inv[1][j]);
      const e = Array.from({ length: H }, (_, h) => u[0] * d[h * O] + u[1] * d[h * O + 1]);
      eExpected.push(e);
      for (let h = 0; h < H; h++) vExpected[s * H + h] = a[h] + e[h];
      for (let o = 0; o < O; o++) vpExpected[s * O + o] = p0[o] + u[0] * M[0][o] + u[1] * M[1][o];
    }
    const tol =
      backend === 'cpu' || backend === 'wasm' ? { rtol: 1e-4, atol: 1e-5 } : { rtol: 2e-3, atol: 1e-4 };
    assertClose(await eq.v[0].data(), vExpected, tol, 'v*');
    assertClose(await eq.vp.data(), vpExpected, tol, 'v_pred*');
    // −ΔW₀ = −xᵀe*.
    const gW0 = new Float64Array(INPUTS * H);
    for (let s = 0; s < BATCH; s++)
      for (let i = 0; i < INPUTS; i++)
        for (let h = 0; h < H; h++) gW0[i * H + h] -= x[s * INPUTS + i] * eExpected[s][h];
    assertClose(await eq.grads[paramName(0, 'kernel')].data(), gW0, tol, 'layers.0.kernel update');
    tf.dispose([...eq.v, eq.vp, ...Object.values(eq.grads), batch.x, batch.y]);
    learner.dispose();
  });

  test('α → ∞: α × the update equals the backprop gradient of the batch loss', async () => {
    const alpha = 1e3;
    // τu = α·dt makes each controller step jump to u = −∇L/α (a slower controller would be unstable here).
    const learner = create(CLASSIFY, { hidden: [4, 5], alpha, tauU: alpha, ...TIGHT });
    const names = weightNames(2, false);
    const batch = makeBatch(CLASSIFY, 5);
    const eq = await learner.equilibrium(batch);
    const backprop = tf.tidy(() =>
      tf.grads((...ws: tf.Tensor[]) => {
        const w = Object.fromEntries(names.map((n, i) => [n, ws[i]]));
        let h: tf.Tensor = batch.x;
        for (let k = 0; k <= 2; k++) {
          h = tf.add(
            tf.matMul(h as tf.Tensor2D, w[paramName(k, 'kernel')] as tf.Tensor2D),
            w[paramName(k, 'bias')],
          );
          if (k < 2) h = tf.tanh(h);
        }
        return crossEntropy(h, batch.y);
      })(names.map((n) => learner.params[n])),
    );
    for (const [i, name] of names.entries()) {
      const scaled = Float32Array.from(await eq.grads[name].data(), (g) => g * alpha);
      // The control perturbs the states by O(1/α): a relative difference of ~1e-3.
      assertClose(scaled, await backprop[i].data(), { rtol: 1e-2, atol: 1e-4 }, name);
    }
    tf.dispose([...backprop, ...eq.v, eq.vp, ...Object.values(eq.grads), batch.x, batch.y]);
    learner.dispose();
  });
});
