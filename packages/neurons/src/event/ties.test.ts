import { describe, expect, test } from '@jest/globals';
import { createRng } from '@plasticity/core-tensors';
import { runBatch } from './objective.js';
import type { EventLossName } from './objective.js';
import { lifExpParams } from '../models/params.js';
import { EventPropNetwork } from './network.js';
import type { NetworkSpec } from './network.js';
import type { SpikeList } from './spike-buffer.js';

// Latency-coded images put many input spikes at one time (every saturated pixel at 0 ms).
// The feed-forward engine groups them into one interval boundary; these checks make sure the
// grouped forward and backward passes stay exact: gradients against central differences of
// the engine's own loss (the forward pass itself is checked against an independent reference
// in gradient.test.ts).

const TTFS = { tau0: 0.5, tau1: 6.4, alpha: 0.003, silentPush: 0 };
const H = 1e-5;

/** Input spikes at a few shared times (ties sorted by unit), 0 ms included. */
function tiedSamples(seed: number, count: number, inputs: number): SpikeList[] {
  const rng = createRng(seed);
  const slots = [0, 0.75, 2.5, 6];
  return Array.from({ length: count }, () => {
    const times: number[] = [];
    const units: number[] = [];
    for (const t of slots) {
      for (let u = 0; u < inputs; u++) {
        if (rng.uniform() < 0.5) {
          times.push(t);
          units.push(u);
        }
      }
    }
    return { count: times.length, times: Float64Array.from(times), units: Int32Array.from(units) };
  });
}

/** `mean`: weight mean times √fan-in (the spread is 1/√fan-in). */
function check(spec: NetworkSpec, loss: EventLossName, seed: number, mean: number): void {
  const network = new EventPropNetwork(spec);
  const rng = createRng(seed);
  const weights: Record<string, Float64Array> = {};
  for (const [name, [rows, cols]] of Object.entries(network.shapes)) {
    weights[name] = Float64Array.from(
      rng.normalArray(rows * cols, mean / Math.sqrt(rows), 1 / Math.sqrt(rows)),
    );
    network.setWeights(name, weights[name]);
  }
  const samples = tiedSamples(seed + 1, 6, spec.inputs);
  const labels = samples.map((_, b) => b % spec.outputs);
  const options = { loss, ttfs: TTFS };
  const lossAndCounts = (): [number, string] => {
    const r = runBatch(network, samples.length, (b) => samples[b], labels, options);
    const counts = samples.map((s) => {
      network.forward(s);
      const layers = spec.hidden.length + (spec.output === 'spiking' ? 1 : 0);
      return Array.from({ length: layers }, (_, k) => network.layerSpikes(k).count).join(',');
    });
    return [r.loss, counts.join(';')];
  };
  const grads = network.gradientBuffers();
  runBatch(network, samples.length, (b) => samples[b], labels, options, grads);
  const [, baseCounts] = lossAndCounts();
  expect(baseCounts.split(/[;,]/).reduce((s, n) => s + Number(n), 0)).toBeGreaterThan(10);
  let checked = 0;
  for (const [name, values] of Object.entries(weights)) {
    for (let k = 0; k < values.length; k++) {
      const keep = values[k];
      values[k] = keep + H;
      network.setWeights(name, values);
      const [up, upCounts] = lossAndCounts();
      values[k] = keep - H;
      network.setWeights(name, values);
      const [down, downCounts] = lossAndCounts();
      values[k] = keep;
      network.setWeights(name, values);
      if (upCounts !== baseCounts || downCounts !== baseCounts) continue;
      const fd = (up - down) / (2 * H);
      const error = Math.abs(grads[name][k] - fd);
      expect([name, k, error <= 1e-7 + 1e-5 * Math.abs(fd)]).toEqual([name, k, true]);
      if (Math.abs(fd) > 1e-4) checked++;
    }
  }
  expect(checked).toBeGreaterThan(20);
}

describe('feed-forward layers with simultaneous input spikes', () => {
  test('one hidden layer, max-voltage: gradients match finite differences', () => {
    check(
      {
        inputs: 10,
        hidden: [{ size: 12, recurrent: false }],
        outputs: 3,
        output: 'max-voltage',
        model: lifExpParams({ tauMem: 20, tauSyn: 5, threshold: 1 }),
        duration: 30,
      },
      'max-voltage',
      1,
      1.2,
    );
  });

  test('two hidden layers, TTFS output: gradients match finite differences', () => {
    check(
      {
        inputs: 10,
        hidden: [
          { size: 10, recurrent: false },
          { size: 8, recurrent: false },
        ],
        outputs: 3,
        output: 'spiking',
        model: lifExpParams({ tauMem: 20, tauSyn: 5, threshold: 1 }),
        duration: 30,
      },
      'ttfs',
      2,
      2,
    );
  });
});
