import { describe, expect, test } from '@jest/globals';
import { createRng } from '@plasticity/core-tensors';
import { ttfsLoss } from '../event/loss.js';
import { thetaNeuron, thetaPhase, thetaTransfer, thetaTransferSlopes, thetaVoltage } from './theta.js';
import { ThetaNetwork, thetaParamsLike } from './theta-network.js';
import { ThetaLayerTape, simulateThetaLayer } from './theta-layer.js';
import type { ThetaNetworkSpec, ThetaParams } from './theta-network.js';
import type { SpikeTrain } from './theta-layer.js';

const neuron = thetaNeuron();

describe('theta neuron', () => {
  test('the paper MNIST neuron: ω = 1, Θ = 6; phase and voltage invert each other', () => {
    expect(neuron.omega).toBeCloseTo(1, 15);
    expect(neuron.period).toBeCloseTo(6, 14);
    for (const v of [-30, -1, 0, 0.5, 2, 40])
      expect(thetaVoltage(neuron, thetaPhase(neuron, v))).toBeCloseTo(v, 9);
  });

  test('rejects a drive that does not oscillate', () => {
    expect(() => thetaNeuron({ drive: 0.2 })).toThrow(/drive I0 must be > 1\/4/);
  });

  test('H partials equal central differences', () => {
    const out = { dPhase: 0, dWeight: 0 };
    const h = 1e-6;
    for (const [phase, weight] of [
      [0.5, 0.3],
      [3, -1.2],
      [5.5, 2],
      [1.7, 0],
    ]) {
      thetaTransferSlopes(neuron, phase, weight, out);
      const dPhase =
        (thetaTransfer(neuron, phase + h, weight) - thetaTransfer(neuron, phase - h, weight)) / (2 * h);
      const dWeight =
        (thetaTransfer(neuron, phase, weight + h) - thetaTransfer(neuron, phase, weight - h)) / (2 * h);
      expect(out.dPhase).toBeCloseTo(dPhase, 7);
      expect(out.dWeight).toBeCloseTo(dWeight, 7);
    }
  });

  test('spike times match an RK4 integration of τ dV/dt = V(V − 1) + I0 with voltage jumps', () => {
    // One neuron, pulses at fixed times; the reference integrates V, spiking at V = 1e4.
    const pulses = [
      [0.4, 1.5],
      [1.1, -0.8],
      [2.5, 3],
      [7, 0.6],
    ];
    const duration = 10;
    const spec: ThetaNetworkSpec = { neuron, sizes: [pulses.length, 1], duration, pseudospikes: false };
    const network = new ThetaNetwork(spec);
    const params = thetaParamsLike(spec);
    pulses.forEach(([, w], j) => (params.kernels[0][j] = w));
    params.phases[0][0] = 1.2;
    const input: SpikeTrain = {
      count: pulses.length,
      times: Float64Array.from(pulses, ([t]) => t),
      sources: Int32Array.from(pulses, (_, j) => j),
    };
    network.run(params, input);
    const exact = Array.from(network.layerSpikes(0).times.subarray(0, network.layerSpikes(0).count));

    const reference: number[] = [];
    const f = (v: number) => (v * (v - 1) + neuron.drive) / neuron.tau;
    const dt = 1e-5;
    let v = thetaVoltage(neuron, 1.2);
    let next = 0;
    for (let step = 0; step * dt < duration; step++) {
      const t = step * dt;
      if (next < pulses.length && t + dt / 2 >= pulses[next][0]) v += pulses[next++][1];
      const k1 = f(v);
      const k2 = f(v + (dt / 2) * k1);
      const k3 = f(v + (dt / 2) * k2);
      const k4 = f(v + dt * k3);
      v += (dt / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
      if (v > 1e4) {
        reference.push(t + dt);
        v = -1e4;
      }
    }
    expect(exact.length).toBe(reference.length);
    expect(exact.length).toBeGreaterThanOrEqual(2);
    // Tolerance: the step (1e-5) plus the time from V = ±1e4 to ±∞ (≈ τ/1e4 each).
    exact.forEach((t, k) => expect(Math.abs(t - reference[k])).toBeLessThan(1e-3));
  });
});

describe('theta layer', () => {
  /** The phase form as written: advance at rate 1, spike at Θ, pulses through H. */
  function phaseReference(
    kernel: Float64Array,
    phase0: number,
    n: number,
    i: number,
    input: SpikeTrain,
    T: number,
  ) {
    const spikes: number[] = [];
    let phase = phase0;
    let time = 0;
    for (let k = 0; k < input.count; k++) {
      const next = input.times[k];
      while (phase + (next - time) >= neuron.period) {
        time += neuron.period - phase;
        spikes.push(time);
        phase = 0;
      }
      phase = thetaTransfer(neuron, phase + (next - time), kernel[input.sources[k] * n + i]);
      time = next;
    }
    while (phase + (T - time) >= neuron.period && time + (neuron.period - phase) < T) {
      time += neuron.period - phase;
      spikes.push(time);
      phase = 0;
    }
    return { spikes, final: phase + (T - time) };
  }

  test('the tangent-space simulation equals the phase form (short and long steps, many spikes)', () => {
    const rng = createRng(11);
    const [inputs, n, T] = [6, 40, 30];
    const kernel = Float64Array.from({ length: inputs * n }, () => 3 * (rng.uniform() - 0.4));
    const phases = Float64Array.from({ length: n }, () => neuron.period * rng.uniform());
    const times = Array.from({ length: 25 }, () => T * rng.uniform() ** 2).sort((a, b) => a - b);
    const input: SpikeTrain = {
      count: times.length,
      times: Float64Array.from(times),
      sources: Int32Array.from(times, () => rng.int(inputs)),
    };
    const tape = new ThetaLayerTape(n);
    simulateThetaLayer(neuron, T, kernel, phases, input, false, tape);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const reference = phaseReference(kernel, phases[i], n, i, input, T);
      const from = tape.spikeStart[i];
      const mine = Array.from(tape.spikes.times.subarray(from, tape.spikeStart[i + 1]));
      expect(mine.length).toBe(reference.spikes.length);
      mine.forEach((t, k) => expect(t).toBeCloseTo(reference.spikes[k], 9));
      expect(tape.finalPhase[i]).toBeCloseTo(reference.final, 9);
      total += mine.length;
    }
    expect(total).toBeGreaterThan(2 * n);
  });
});

/** Loss of one sample through the network and its ∂L/∂t. */
function sampleLoss(
  network: ThetaNetwork,
  params: ThetaParams,
  input: SpikeTrain,
  label: number,
  dTimes: Float64Array,
) {
  const { outputTimes } = network.run(params, input);
  const scratch = new Float64Array(outputTimes.length);
  const options = { tau0: 1, tau1: network.spec.duration, alpha: 0.01, silentPush: 0 };
  // Pseudospike times lie beyond T: the loss must not clip them there.
  return ttfsLoss(outputTimes, label, options, Infinity, dTimes, scratch);
}

describe('theta network gradient', () => {
  const spec: ThetaNetworkSpec = { neuron, sizes: [3, 5, 4, 3], duration: 2, pseudospikes: true };

  function randomSetup(seed: number): { params: ThetaParams; input: SpikeTrain } {
    const rng = createRng(seed);
    const params = thetaParamsLike(spec);
    params.kernels.forEach((k, l) => k.forEach((_, i) => (k[i] = (rng.uniform() - 0.3) * (l === 0 ? 6 : 4))));
    params.phases.forEach((p) => p.forEach((_, i) => (p[i] = 1 + 4 * rng.uniform())));
    const input: SpikeTrain = {
      count: 4,
      times: Float64Array.from([0.02, 0.02, 0.5, 1.1]),
      sources: Int32Array.from([0, 2, 1, 2]),
    };
    return { params, input };
  }

  test.each([1, 2, 3, 4])('equals central finite differences (float64, seed %i)', (seed) => {
    const network = new ThetaNetwork(spec);
    const { params, input } = randomSetup(seed);
    const dTimes = new Float64Array(3);
    const label = seed % 3;
    sampleLoss(network, params, input, label, dTimes);
    const counts = network.run(params, input).spikeCounts;
    sampleLoss(network, params, input, label, dTimes);
    const grads = thetaParamsLike(spec);
    network.backward(params, dTimes, grads);

    const h = 1e-6;
    const scratch = new Float64Array(3);
    const all = [...params.kernels, ...params.phases];
    const gradAll = [...grads.kernels, ...grads.phases];
    let checked = 0;
    all.forEach((values, a) => {
      for (let k = 0; k < values.length; k++) {
        const keep = values[k];
        values[k] = keep + h;
        const up = sampleLoss(network, params, input, label, scratch);
        values[k] = keep - h;
        const down = sampleLoss(network, params, input, label, scratch);
        values[k] = keep;
        const fd = (up - down) / (2 * h);
        expect(Math.abs(gradAll[a][k] - fd)).toBeLessThan(1e-6 + 1e-5 * Math.abs(fd));
        if (fd !== 0) checked++;
      }
    });
    // The setup is not degenerate: hidden layers spike and most parameters matter.
    expect(counts[0] + counts[1]).toBeGreaterThan(0);
    expect(checked).toBeGreaterThan(all.reduce((n, v) => n + v.length, 0) / 2);
  });

  test('without pseudospikes a silent output has no time and no gradient', () => {
    const quiet: ThetaNetworkSpec = { ...spec, pseudospikes: false };
    const network = new ThetaNetwork(quiet);
    const params = thetaParamsLike(quiet);
    params.phases.forEach((p) => p.fill(0.5)); // far from Θ: nothing spikes within T = 2
    const input: SpikeTrain = { count: 0, times: new Float64Array(0), sources: new Int32Array(0) };
    const { outputTimes, spikeCounts } = network.run(params, input);
    expect(Array.from(outputTimes)).toEqual([Infinity, Infinity, Infinity]);
    expect(spikeCounts).toEqual([0, 0, 0]);

    const pseudo = new ThetaNetwork(spec);
    const times = pseudo.run(params, input).outputTimes;
    // Every phase is 0.5 + 2 at T and no drive reaches the output: t = T + Θ − 2.5.
    times.forEach((t) => expect(t).toBeCloseTo(2 + 6 - 2.5, 12));
  });
});
