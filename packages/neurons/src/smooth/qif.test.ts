import { describe, expect, test } from '@jest/globals';
import { Dual } from './dual.js';
import {
  QIF_MIN_SPIKE_WEIGHT,
  qifFlow,
  qifNeuron,
  qifPseudospikes,
  qifTimeToSpike,
  simulateQif,
} from './qif.js';
import type { QifInput } from './qif.js';

const neuron = qifNeuron();
const c = (x: number) => Dual.constant(x, 0);

/** RK4 of τ dV/dt = V(V − 1) + I, τ/2 dI/dt = −I: the state after `duration`, or the blow-up time. */
function rk4(v: number, i: number, duration: number, dt = 1e-5): { v: number; spike?: number } {
  const f = (x: number, t: number) => x * (x - 1) + i * Math.exp((-2 * t) / neuron.tau);
  for (let t = 0; t < duration - 1e-12; t += dt) {
    const h = Math.min(dt, duration - t);
    const k1 = f(v, t);
    const k2 = f(v + (h / 2) * k1, t + h / 2);
    const k3 = f(v + (h / 2) * k2, t + h / 2);
    const k4 = f(v + h * k3, t + h);
    v += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
    if (v > 1e5) return { v, spike: t + h };
  }
  return { v };
}

describe('QIF neuron with exponential synapse', () => {
  test.each([
    ['I > 0', 0.3, 2],
    ['I = 0, below the repeller', 0.7, 0],
    ['I < 0, |V| < √|I|', 0.2, -0.5],
    ['I < 0, V < −√|I|', -2, -0.5],
    ['I < 0, V > √|I|, decaying', 0.9, -0.4],
  ])('the closed-form flow matches RK4 (%s)', (_, v, i) => {
    for (const dt of [0.1, 0.5, 1.3]) {
      const exact = qifFlow(neuron, { v: c(v), i: c(i) }, c(dt)).v.value;
      expect(exact).toBeCloseTo(rk4(v, i, dt).v, 7);
    }
  });

  test.each([
    ['I > 0', 0, 3],
    ['I = 0, V > 1', 1.5, 0],
    ['I < 0, V above the branch', 3, -0.5],
  ])('the time to spike matches RK4 blow-up (%s)', (_, v, i) => {
    const exact = qifTimeToSpike(neuron, { v: c(v), i: c(i) });
    const reference = rk4(v, i, 20).spike;
    expect(exact).toBeDefined();
    expect(reference).toBeDefined();
    // The reference stops at V = 1e5, about τ/1e5 before the divergence.
    expect(Math.abs(exact!.value - reference!)).toBeLessThan(1e-4);
  });

  test('from rest, a weight above π²/4 spikes and one below never does', () => {
    const rest = { v: c(0), i: c(0) };
    const spike = (w: number) => qifTimeToSpike(neuron, { v: rest.v, i: c(w) });
    expect(spike(QIF_MIN_SPIKE_WEIGHT * 1.001)).toBeDefined();
    expect(spike(QIF_MIN_SPIKE_WEIGHT * 0.999)).toBeUndefined();
    // The spike time grows without bound as the weight falls to the minimum: continuity.
    expect(spike(QIF_MIN_SPIKE_WEIGHT * (1 + 1e-9))!.value).toBeGreaterThan(5);
  });

  test('spike and pseudospike times: forward-mode derivatives equal central differences', () => {
    // Parameters: two weights and two times; plus fixed inputs, one of them inhibitory.
    const run = (p: readonly number[]) => {
      const params = p.map((x, k) => Dual.parameter(x, k, p.length));
      const fixed = (x: number) => Dual.constant(x, p.length);
      const inputs: QifInput[] = [
        { time: params[2], weight: params[0] },
        { time: params[3], weight: params[1] },
        { time: fixed(0.9), weight: fixed(-1.2) },
        { time: fixed(2.2), weight: fixed(4) },
      ];
      const zero = Dual.constant(0, p.length);
      const trial = simulateQif(neuron, inputs, 5, { v: zero, i: zero });
      const pseudo = qifPseudospikes(neuron, trial.final, 0, 5, [1, 2]);
      return [...trial.spikes, ...pseudo];
    };
    const p = [3.5, 6, 0.4, 1.5];
    const times = run(p);
    expect(times.length).toBeGreaterThanOrEqual(3);
    const h = 1e-6;
    p.forEach((_, k) => {
      const up = run(p.map((x, j) => (j === k ? x + h : x)));
      const down = run(p.map((x, j) => (j === k ? x - h : x)));
      times.forEach((t, s) => {
        const fd = (up[s].value - down[s].value) / (2 * h);
        expect(Math.abs(t.grad[k] - fd)).toBeLessThan(1e-6 * (1 + Math.abs(fd)));
      });
    });
  });
});
