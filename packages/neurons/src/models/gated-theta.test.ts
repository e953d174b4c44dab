// The gated-synapse theta neuron against float64 references written in this file: one unit of
// output per passage whatever the current (the deposit checked against a quadrature of the gate
// g itself, not its primitive), graded output inside the gate, output continuous in the input,
// and BPTT gradients of a tiny recurrent network against central finite differences.
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { isPlasticityError } from '@plasticity/core-tensors';
import { assertClose, expectNoLeaks, testBackends, useBackend } from '@plasticity/core-tensors/testing';
import { gatedThetaStep } from './gated-theta.js';
import type { GatedThetaParams } from './params.js';
import { gatedThetaParams } from './params.js';
import { initialState, stateTensors } from './state.js';

const backends = await testBackends();
const TWO_PI = 2 * Math.PI;

/** The raised-cosine gate g(θ) on [π − Δ/2, π + Δ/2] (θ in [0, 2π)), integral 1. */
function gate(theta: number, width: number): number {
  const x = (theta - Math.PI) / width + 0.5;
  return x <= 0 || x >= 1 ? 0 : (1 - Math.cos(TWO_PI * x)) / width;
}

/** ∫ g dθ along the straight step a → b (unwrapped phases), by the midpoint rule on 2000 cells. */
function gateIntegral(a: number, b: number, width: number): number {
  const cells = 2000;
  const h = (b - a) / cells;
  let sum = 0;
  for (let k = 0; k < cells; k++) {
    const theta = a + (k + 0.5) * h;
    sum += gate(theta - TWO_PI * Math.floor(theta / TWO_PI), width) * h;
  }
  return sum;
}

/** Float64 Euler phases of one neuron under `currents`, unwrapped, from θ = 0. */
function referencePhases(params: GatedThetaParams, currents: readonly number[]): number[] {
  const phases = [0];
  for (const current of currents) {
    const theta = phases[phases.length - 1];
    const velocity = 1 - Math.cos(theta) + (1 + Math.cos(theta)) * current;
    phases.push(theta + (velocity * params.dt) / params.tauMem);
  }
  return phases;
}

/** The run's own wrapped phases `[T]` of one neuron, unwrapped, with θ = 0 before the first step. */
function unwrapped(theta: number[][], j: number): number[] {
  const phases = [0];
  let turns = 0;
  for (const row of theta) {
    if (row[j] < phases[phases.length - 1] - turns * TWO_PI - Math.PI) turns++;
    phases.push(row[j] + turns * TWO_PI);
  }
  return phases;
}

/** Runs one population over `currents [T][units]`; per-step output s, phase and spikes on the host. */
async function runPopulation(params: GatedThetaParams, currents: number[][]) {
  const units = currents[0].length;
  let state = initialState(params, 1, units);
  const out = { s: [] as number[][], theta: [] as number[][], spikes: [] as number[][] };
  for (const row of currents) {
    const input = tf.tensor2d([row]);
    const step = gatedThetaStep(params, input, state);
    out.s.push(Array.from(await step.output.data()));
    out.theta.push(Array.from(await step.v.data()));
    out.spikes.push(Array.from(await step.spikes.data()));
    tf.dispose([input, step.spikes, ...stateTensors(state)]);
    state = step.state;
  }
  tf.dispose(stateTensors(state));
  return out;
}

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });
  // How closely the float32 phase follows the float64 one over 160 steps: GPUs' sin and cos are
  // approximations (WGSL: to 2^-11), whose errors accumulate along the phase.
  const follow = backend === 'webgpu' || backend === 'node-gpu' ? 5e-2 : 1e-3;
  // τs far beyond the window: s is the running sum of the deposits.
  const summing = gatedThetaParams({ tauMem: 5, tauSyn: 1e9, gateWidth: 1, dt: 1 });
  const currents = [0.05, 0.3, 1, 4];
  const steps = 160;

  test('one unit of output per passage through the gate, whatever the input current (1e-3)', async () => {
    const run = await runPopulation(
      summing,
      Array.from({ length: steps }, () => currents),
    );
    currents.forEach((current, j) => {
      const phases = referencePhases(
        summing,
        Array.from({ length: steps }, () => current),
      );
      const path = unwrapped(run.theta, j);
      let passages = 0;
      let integral = 0;
      let checked = 0;
      for (let t = 0; t < steps; t++) {
        passages += run.spikes[t][j];
        // The deposit is ∫ g dθ along the run's own path; that path follows the float64 one.
        integral += gateIntegral(path[t], path[t + 1], summing.gateWidth);
        expect(Math.abs(run.s[t][j] - integral)).toBeLessThan(1e-3);
        expect(Math.abs(path[t + 1] - phases[t + 1])).toBeLessThan(follow);
        if (gate(run.theta[t][j], summing.gateWidth) === 0) {
          expect(Math.abs(run.s[t][j] - passages)).toBeLessThan(1e-3);
          checked++;
        }
      }
      // Passages at the theta neuron's period π·τ/√I (Euler's differs a little): ≥ 2 for each current.
      expect(passages).toBeGreaterThanOrEqual(2);
      expect(checked).toBeGreaterThan(steps / 2);
    });
  });

  test('inside the gate the output is graded: the fraction of the gate crossed', async () => {
    // A slow passage: near π the phase moves at 2/τ whatever I, 0.1 rad per 0.25-ms step, 10 steps in the gate.
    const params = gatedThetaParams({ tauMem: 5, tauSyn: 1e9, gateWidth: 1, dt: 0.25 });
    const run = await runPopulation(
      params,
      Array.from({ length: 400 }, () => [0.05]),
    );
    const phases = unwrapped(run.theta, 0);
    const fractions: number[] = [];
    let integral = 0;
    for (let t = 0; t < 400; t++) {
      integral += gateIntegral(phases[t], phases[t + 1], params.gateWidth);
      if (integral >= 1 - 1e-3) break; // through the gate
      if (integral > 1e-3) {
        fractions.push(run.s[t][0]);
        expect(Math.abs(run.s[t][0] - integral)).toBeLessThan(1e-3);
      }
    }
    // At least 5 graded values strictly between 0 and 1, rising.
    expect(fractions.length).toBeGreaterThanOrEqual(5);
    fractions.forEach((f, k) => {
      expect(f).toBeGreaterThan(0);
      expect(f).toBeLessThan(1);
      if (k > 0) expect(f).toBeGreaterThan(fractions[k - 1]);
    });
  });

  test('the output over a window is continuous in the input current; the spike count jumps', async () => {
    // 401 currents across the value at which the third passage completes by the window's end.
    const grid = Array.from({ length: 401 }, (_, k) => 0.3 + k * 0.001);
    const run = await runPopulation(
      summing,
      Array.from({ length: 60 }, () => grid),
    );
    const last = run.s[59];
    const counts = grid.map((_, j) => run.spikes.reduce((a, r) => a + r[j], 0));
    const largestStep = Math.max(...last.slice(1).map((v, j) => Math.abs(v - last[j])));
    expect(new Set(counts).size).toBeGreaterThan(1); // the count jumps by a whole spike
    expect(largestStep).toBeLessThan(0.1); // the output does not
    expect(last[400] - last[0]).toBeGreaterThan(0.5);
  });

  test('steps leak no tensors', async () => {
    const params = gatedThetaParams();
    await expectNoLeaks(() => {
      let state = initialState(params, 2, 3);
      const input = tf.fill([2, 3], 0.5);
      for (let t = 0; t < 20; t++) {
        const step = gatedThetaStep(params, input, state);
        tf.dispose([step.spikes, ...stateTensors(state)]);
        state = step.state;
      }
      tf.dispose([input, ...stateTensors(state)]);
    });
  });

  describe('BPTT through a recurrent gated-theta network equals central finite differences', () => {
    // 2 inputs → 3 recurrent gated theta neurons → 2 linear readouts of s, T steps, squared error.
    const [T, IN, N, OUT] = [40, 2, 3, 2];
    const params = gatedThetaParams({ tauMem: 5, tauSyn: 8, gateWidth: 1.5, dt: 1 });
    const inputs = Array.from({ length: T }, (_, t) => [Math.sin(t / 5) + 0.6, t % 9 < 3 ? 1 : 0]);
    const targets = Array.from({ length: T }, (_, t) => [Math.cos(t / 7), 0.5]);
    const weights = {
      kernel: [0.9, 0.2, 1.1, -0.3, 0.8, 0.6],
      recurrent: [0, 0.3, -0.4, 0.5, 0, 0.2, -0.2, 0.4, 0],
      readout: [0.5, -0.3, 0.2, 0.4, -0.6, 0.3],
    };
    type Weights = typeof weights;

    /** The loss in float64, written from the model equations; also the passages it makes. */
    function referenceLoss(w: Weights): { loss: number; passages: number } {
      const theta = new Array<number>(N).fill(0);
      const s = new Array<number>(N).fill(0);
      const primitive = (phase: number) => {
        const x = Math.min(1, Math.max(0, (phase - Math.PI) / params.gateWidth + 0.5));
        return x - Math.sin(TWO_PI * x) / TWO_PI;
      };
      const decay = Math.exp(-params.dt / params.tauSyn);
      let loss = 0;
      let passages = 0;
      for (let t = 0; t < T; t++) {
        const current = Array.from({ length: N }, (_, i) => {
          let sum = 0;
          for (let k = 0; k < IN; k++) sum += inputs[t][k] * w.kernel[k * N + i];
          for (let k = 0; k < N; k++) sum += s[k] * w.recurrent[k * N + i];
          return sum;
        });
        for (let i = 0; i < N; i++) {
          const c = Math.cos(theta[i]);
          const moved = theta[i] + ((1 - c + (1 + c) * current[i]) * params.dt) / params.tauMem;
          const turns = Math.floor(moved / TWO_PI);
          const phase = moved - TWO_PI * turns;
          if (Math.floor((moved + Math.PI) / TWO_PI) > Math.floor((theta[i] + Math.PI) / TWO_PI)) passages++;
          s[i] = decay * s[i] + turns + primitive(phase) - primitive(theta[i]);
          theta[i] = phase;
        }
        for (let o = 0; o < OUT; o++) {
          let y = 0;
          for (let i = 0; i < N; i++) y += s[i] * w.readout[i * OUT + o];
          loss += (y - targets[t][o]) ** 2;
        }
      }
      return { loss, passages };
    }

    function centralDifferences(name: keyof Weights): number[] {
      const eps = 1e-6;
      return weights[name].map((_, k) => {
        const shifted = (by: number) => {
          const copy = { ...weights, [name]: [...weights[name]] };
          copy[name][k] += by;
          return referenceLoss(copy).loss;
        };
        return (shifted(eps) - shifted(-eps)) / (2 * eps);
      });
    }

    function tfLoss(kernel: tf.Tensor, recurrent: tf.Tensor, readout: tf.Tensor): tf.Scalar {
      let state = initialState(params, 1, N);
      let loss: tf.Tensor = tf.scalar(0);
      for (let t = 0; t < T; t++) {
        const drive = tf.add(
          tf.matMul(tf.tensor2d([inputs[t]]), kernel),
          tf.matMul(state.synapse!, recurrent),
        );
        const step = gatedThetaStep(params, drive, state);
        state = step.state;
        const error = tf.sub(tf.matMul(step.output, readout), tf.tensor2d([targets[t]]));
        loss = tf.add(loss, tf.sum(tf.square(error)));
      }
      return loss as tf.Scalar;
    }

    test('kernel, recurrent and readout gradients (1e-3 of the largest)', async () => {
      const reference = referenceLoss(weights);
      expect(reference.passages).toBeGreaterThanOrEqual(6); // the gates are crossed
      const tensors = [
        tf.tensor2d(weights.kernel, [IN, N]),
        tf.tensor2d(weights.recurrent, [N, N]),
        tf.tensor2d(weights.readout, [N, OUT]),
      ];
      const { value, grads } = tf.valueAndGrads((a, b, c) => tfLoss(a, b, c))(tensors);
      expect(Math.abs((await value.data())[0] - reference.loss)).toBeLessThan(1e-3 * reference.loss);
      const names: (keyof Weights)[] = ['kernel', 'recurrent', 'readout'];
      for (const [k, name] of names.entries()) {
        const expected = centralDifferences(name);
        const scale = Math.max(...expected.map(Math.abs));
        assertClose(await grads[k].data(), expected, { rtol: 0, atol: 1e-3 * scale }, `${backend} ${name}`);
      }
      tf.dispose([value, ...grads, ...tensors]);
    });
  });
});

test('bad parameters are E_CONFIG naming the field', () => {
  const error = (() => {
    try {
      gatedThetaParams({ gateWidth: 7 });
    } catch (e) {
      return e;
    }
  })();
  expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
  expect((error as Error).message).toMatch(/gateWidth/);
  expect(gatedThetaParams()).toEqual({ kind: 'gatedTheta', tauMem: 5, tauSyn: 10, gateWidth: 1, dt: 1 });
  expect(Object.isFrozen(gatedThetaParams())).toBe(true);
});
