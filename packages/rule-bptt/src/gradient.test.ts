// BPTT gradients of the spiking network vs an independent float64 BPTT written out below:
// forward loops and the reverse-time adjoint recursion by hand, no tfjs. A finite-difference
// check is meaningless here (the forward pass is a step function), so this is the arbiter.
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, parseConfig, softmaxCrossEntropy, paramName } from '@plasticity/core-tensors';
import type { TaskSpec } from '@plasticity/core-tensors';
import { assertClose, testBackends, tolerance, useBackend } from '@plasticity/core-tensors/testing';
import { lifExpParams, surrogateFunction } from '@plasticity/neurons';
import type { VoltageReadout } from '@plasticity/neurons';
import { spikingNetwork } from './network.js';
import { voltageScores } from './readout.js';
import { bpttRule } from './rule.js';

const backends = await testBackends();

const TAU_MEM = 20;
const TAU_SYN = 5;
const THETA = 1;
const DT = 1;
const SLOPE = 5; // fast-sigmoid slope: a wide surrogate so that every neuron passes gradient

/** Fast-sigmoid surrogate derivative `1/(1 + k|x|)²`, written here independently. */
const surrogate = (x: number): number => 1 / (1 + SLOPE * Math.abs(x)) ** 2;

interface Net {
  readonly sizes: readonly number[]; // inputs, hidden..., outputs
  readonly recurrent: boolean;
  /** Row-major `[in, out]` kernels per layer (hidden then readout); `[n, n]` recurrent per hidden layer. */
  readonly kernels: Float64Array[];
  readonly recurrents: Float64Array[];
}

interface Reference {
  readonly loss: number;
  readonly spikes: Float64Array[]; // per hidden layer, [T, B, n]
  readonly gradKernels: Float64Array[];
  readonly gradRecurrents: Float64Array[];
}

/** `out[b, j] = Σ_i a[b, i]·w[i, j]` for one step. */
function matVec(
  a: Float64Array,
  aOff: number,
  w: Float64Array,
  nIn: number,
  nOut: number,
  out: Float64Array,
  oOff: number,
): void {
  for (let j = 0; j < nOut; j++) {
    let s = 0;
    for (let i = 0; i < nIn; i++) s += a[aOff + i] * w[i * nOut + j];
    out[oOff + j] += s;
  }
}

/**
 * Float64 forward and backward of the model as documented in @plasticity/neurons: per step
 * `V ← αm·V + c·I`, `I ← αs·I + input`, spike where `V ≥ ϑ`, then `V ← 0` (the reset carries
 * no gradient); recurrent input is last step's spikes; readout the same without threshold.
 */
function referenceBptt(
  net: Net,
  x: Float64Array,
  steps: number,
  batch: number,
  labels: number[],
  loss: VoltageReadout,
): Reference {
  const am = Math.exp(-DT / TAU_MEM);
  const as = Math.exp(-DT / TAU_SYN);
  const c = (TAU_SYN / (TAU_MEM - TAU_SYN)) * (am - as);
  const layers = net.sizes.length - 1;
  const hiddenCount = layers - 1;
  // Forward: per layer its input drive `a` [T,B,n], pre-reset voltage `v`, spikes `s`.
  const inputs: Float64Array[] = [x];
  const drives: Float64Array[] = [];
  const volts: Float64Array[] = [];
  const spikes: Float64Array[] = [];
  for (let l = 0; l < layers; l++) {
    const nIn = net.sizes[l];
    const n = net.sizes[l + 1];
    const hiddenLayer = l < hiddenCount;
    const a = new Float64Array(steps * batch * n);
    const v = new Float64Array(steps * batch * n);
    const s = new Float64Array(steps * batch * n);
    const vState = new Float64Array(batch * n);
    const iState = new Float64Array(batch * n);
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < batch; b++) {
        const row = (t * batch + b) * n;
        matVec(inputs[l], (t * batch + b) * nIn, net.kernels[l], nIn, n, a, row);
        if (hiddenLayer && net.recurrent && t > 0)
          matVec(s, ((t - 1) * batch + b) * n, net.recurrents[l], n, n, a, row);
        for (let j = 0; j < n; j++) {
          const k = b * n + j;
          const vt = am * vState[k] + c * iState[k];
          iState[k] = as * iState[k] + a[row + j];
          v[row + j] = vt;
          const fired = hiddenLayer && vt >= THETA;
          s[row + j] = fired ? 1 : 0;
          vState[k] = fired ? 0 : vt;
        }
      }
    }
    drives.push(a);
    volts.push(v);
    spikes.push(s);
    inputs.push(s);
  }

  // Loss: softmax cross-entropy of the readout scores, mean over the batch.
  const classes = net.sizes[layers];
  const vOut = volts[layers - 1];
  const duration = steps * DT;
  const weight = (t: number): number =>
    loss === 'mean-voltage' ? 1 / steps : (Math.exp((-t * DT) / duration) * DT) / duration;
  const gV = new Float64Array(steps * batch * classes); // dL/dV of the readout
  let total = 0;
  for (let b = 0; b < batch; b++) {
    const scores = new Float64Array(classes);
    for (let j = 0; j < classes; j++) {
      let score = loss === 'max-voltage' ? -Infinity : 0;
      for (let t = 0; t < steps; t++) {
        const value = vOut[(t * batch + b) * classes + j];
        score = loss === 'max-voltage' ? Math.max(score, value) : score + weight(t) * value;
      }
      scores[j] = score;
    }
    const top = Math.max(...scores);
    const z = scores.reduce((acc, s) => acc + Math.exp(s - top), 0);
    total += -(scores[labels[b]] - top - Math.log(z));
    for (let j = 0; j < classes; j++) {
      const dScore = (Math.exp(scores[j] - top) / z - (j === labels[b] ? 1 : 0)) / batch;
      for (let t = 0; t < steps; t++) {
        const k = (t * batch + b) * classes + j;
        // tfjs' max gradient goes to every step equal to the max.
        gV[k] = loss === 'max-voltage' ? (vOut[k] === scores[j] ? dScore : 0) : dScore * weight(t);
      }
    }
  }

  // Backward in reversed time, layer by layer from the readout down.
  const gradKernels = net.kernels.map((w) => new Float64Array(w.length));
  const gradRecurrents = net.recurrents.map((w) => new Float64Array(w.length));
  let gOut = gV; // dL/d(output of layer l): voltage for the readout, spikes for hidden layers
  for (let l = layers - 1; l >= 0; l--) {
    const nIn = net.sizes[l];
    const n = net.sizes[l + 1];
    const hiddenLayer = l < hiddenCount;
    const gA = new Float64Array(steps * batch * n); // dL/d(drive)
    const gVNext = new Float64Array(batch * n); // dL/dV at t + 1 (pre-reset)
    const gINext = new Float64Array(batch * n); // dL/dI at t + 1 (after its input)
    for (let t = steps - 1; t >= 0; t--) {
      for (let b = 0; b < batch; b++) {
        for (let j = 0; j < n; j++) {
          const k = (t * batch + b) * n + j;
          const q = b * n + j;
          let gS = hiddenLayer ? gOut[k] : 0; // dL/ds_t
          if (hiddenLayer && net.recurrent && t + 1 < steps) {
            // s_t drives every neuron of the layer at t + 1 through the recurrent kernel.
            for (let m = 0; m < n; m++)
              gS += net.recurrents[l][j * n + m] * gA[((t + 1) * batch + b) * n + m];
          }
          // I_t reaches V_{t+1} (×c) and I_{t+1} (×αs).
          const gI = c * gVNext[q] + as * gINext[q];
          gA[k] = gI;
          // V_t reaches V_{t+1} (×αm, not after a reset) and the loss: via the surrogate (hidden)
          // or directly (readout).
          const carried = hiddenLayer && spikes[l][k] > 0 ? 0 : am * gVNext[q];
          gVNext[q] = carried + (hiddenLayer ? gS * surrogate(volts[l][k] - THETA) : gOut[k]);
          gINext[q] = gI;
        }
      }
    }
    const gIn = new Float64Array(steps * batch * nIn);
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < batch; b++) {
        const row = t * batch + b;
        for (let i = 0; i < nIn; i++) {
          for (let j = 0; j < n; j++) {
            gradKernels[l][i * n + j] += inputs[l][row * nIn + i] * gA[row * n + j];
            gIn[row * nIn + i] += net.kernels[l][i * n + j] * gA[row * n + j];
          }
        }
        if (hiddenLayer && net.recurrent && t > 0) {
          for (let m = 0; m < n; m++)
            for (let j = 0; j < n; j++)
              gradRecurrents[l][m * n + j] += spikes[l][((t - 1) * batch + b) * n + m] * gA[row * n + j];
        }
      }
    }
    gOut = gIn;
  }
  return { loss: total / batch, spikes: spikes.slice(0, hiddenCount), gradKernels, gradRecurrents };
}

const SIZES = [3, 4, 3, 2];
const STEPS = 15;
const BATCH = 2;
const LABELS = [1, 0];

/** A seeded tiny net whose hidden neurons fire for some steps and stay below threshold for others. */
function tinyNet(seed: number, recurrent: boolean): { net: Net; x: Float64Array } {
  const rng = createRng(seed);
  const normal = (n: number, mean: number, std: number) =>
    Float64Array.from({ length: n }, () => Math.fround(rng.normal(mean, std)));
  const layers = SIZES.length - 1;
  // Hidden kernels drive spikes; a weak readout keeps the softmax away from saturation.
  const kernels = Array.from({ length: layers }, (_, l) =>
    l + 1 < layers ? normal(SIZES[l] * SIZES[l + 1], 2, 2.5) : normal(SIZES[l] * SIZES[l + 1], 0.2, 0.5),
  );
  const recurrents = recurrent ? SIZES.slice(1, -1).map((n) => normal(n * n, 0, 1.5)) : [];
  const x = Float64Array.from({ length: STEPS * BATCH * SIZES[0] }, () => (rng.uniform() < 0.35 ? 1 : 0));
  return { net: { sizes: SIZES, recurrent, kernels, recurrents }, x };
}

function weightTensors(net: Net): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  net.kernels.forEach(
    (w, l) => (out[paramName(l, 'kernel')] = tf.tensor2d(Float32Array.from(w), [SIZES[l], SIZES[l + 1]])),
  );
  net.recurrents.forEach(
    (w, l) =>
      (out[paramName(l, 'recurrent')] = tf.tensor2d(Float32Array.from(w), [SIZES[l + 1], SIZES[l + 1]])),
  );
  return out;
}

/** The reference's gradients keyed like the params. */
function referenceGrads(net: Net, ref: Reference): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  ref.gradKernels.forEach((g, l) => (out[paramName(l, 'kernel')] = g));
  if (net.recurrent) ref.gradRecurrents.forEach((g, l) => (out[paramName(l, 'recurrent')] = g));
  return out;
}

/** Checks the chosen net is a meaningful test: spikes and silences, no voltage near ϑ (float32-safe). */
function checkInformative(ref: Reference): void {
  for (const s of ref.spikes) {
    const count = s.reduce((a, v) => a + v, 0);
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(s.length / 2);
  }
}

// Seeds picked so that every layer spikes sometimes and every gradient is well above atol.
const CASES: [VoltageReadout, boolean, number][] = [
  ['max-voltage', false, 7],
  ['max-voltage', true, 11],
  ['mean-voltage', false, 7],
  ['exp-mean-voltage', true, 35],
];

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  // Gradients go through float32 sums over T steps and layers: allow 10× the elementwise tolerance.
  const tol = () => ({ rtol: tolerance(backend).rtol * 10, atol: tolerance(backend).atol * 10 });

  test.each(CASES)(
    '%s loss, recurrent %s (seed %d): BPTT gradients equal the float64 reference',
    async (loss, recurrent, seed) => {
      const { net, x } = tinyNet(seed, recurrent);
      const ref = referenceBptt(net, x, STEPS, BATCH, LABELS, loss);
      checkInformative(ref);
      const network = spikingNetwork({
        inputs: SIZES[0],
        hidden: SIZES.slice(1, -1),
        outputs: SIZES[SIZES.length - 1],
        recurrent,
        model: lifExpParams({ tauMem: TAU_MEM, tauSyn: TAU_SYN, threshold: THETA, dt: DT }),
      });
      const spikeFn = surrogateFunction('fast-sigmoid', SLOPE);
      const grid = { steps: STEPS, dt: DT, channels: SIZES[0] };
      const weights = weightTensors(net);
      const names = Object.keys(weights);
      const input = tf.tensor3d(Float32Array.from(x), [STEPS, BATCH, SIZES[0]]);
      const labels = tf.tensor1d(LABELS, 'int32');
      const run = network.run(weights, input, spikeFn);
      for (const [l, s] of run.hidden.entries())
        expect(Array.from(await s.data())).toEqual(Array.from(ref.spikes[l]));
      const { value, grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => {
        const byName = Object.fromEntries(names.map((n, i) => [n, ws[i]]));
        return softmaxCrossEntropy(voltageScores(network.run(byName, input, spikeFn).v, loss, grid), labels);
      })(names.map((n) => weights[n]));
      assertClose(await value.data(), [ref.loss], tol(), 'loss');
      const expected = referenceGrads(net, ref);
      for (const [i, n] of names.entries()) assertClose(await grads[i].data(), expected[n], tol(), n);
      // The check has teeth: the gradient of every layer is far from zero.
      for (const [name, g] of Object.entries(expected)) {
        const largest = Math.max(...g.map(Math.abs));
        if (!(largest > 2e-4))
          throw new Error(`${name}: the reference gradient is ~0 (${largest}); pick another net`);
      }
      tf.dispose([input, labels, value, ...grads, ...Object.values(weights), ...run.hidden, run.v]);
    },
  );

  test('one SGD step of the learner moves every weight by −lr × the reference gradient', async () => {
    const { net, x } = tinyNet(11, true);
    const ref = referenceBptt(net, x, STEPS, BATCH, LABELS, 'max-voltage');
    const task: TaskSpec = {
      input: { kind: 'spikes', steps: STEPS, channels: SIZES[0], dt: DT },
      outputs: SIZES[SIZES.length - 1],
      kind: 'classification',
    };
    const config = parseConfig(bpttRule, {
      hidden: SIZES.slice(1, -1),
      recurrent: true,
      surrogateScale: SLOPE,
      optimizer: 'sgd',
      learningRate: 1,
    });
    const learner = bpttRule.create(config, task, 0);
    const weights = weightTensors(net);
    for (const [name, w] of Object.entries(weights)) learner.params[name].assign(w);
    const batch = {
      x: tf.tensor3d(Float32Array.from(x), [STEPS, BATCH, SIZES[0]]),
      y: tf.tensor1d(LABELS, 'int32'),
      size: BATCH,
    };
    const metrics = await learner.trainStep(batch);
    assertClose([metrics.loss], [ref.loss], tol(), 'loss');
    const expected = referenceGrads(net, ref);
    expect(Object.keys(learner.params).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, g] of Object.entries(expected)) {
      const before = await weights[name].data();
      const after = await learner.params[name].data();
      const step = Array.from(after, (a, i) => before[i] - a);
      // A float32 weight of magnitude ~|w| carries the step with an error of ~|w|·2⁻²⁴.
      assertClose(step, g, { rtol: tol().rtol, atol: tol().atol + 1e-5 }, name);
    }
    tf.dispose([batch.x, batch.y, ...Object.values(weights)]);
    learner.dispose();
  });
});
