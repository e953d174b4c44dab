import { describe, expect, test } from '@jest/globals';
import { createRng } from '@plasticity/core-tensors';
import { RETRIES, present, presentRateCoded, stdpUpdate } from './competitive-layer.js';
import type { CompetitiveLayer } from './competitive-layer.js';
import type { InputSpikes } from './input-spikes.js';

const settings = { tauMem: 10, tauTrace: 5, threshold: 0.6 };

/** Spikes from a dense 0/1 raster `[batch][steps][inputs]`. */
function fromRaster(raster: number[][][]): InputSpikes {
  const [batch, steps, inputs] = [raster.length, raster[0].length, raster[0][0].length];
  const offsets = new Int32Array(batch * steps + 1);
  const indices: number[] = [];
  raster.forEach((sample, b) =>
    sample.forEach((row, t) => {
      row.forEach((fired, i) => fired && indices.push(i));
      offsets[b * steps + t + 1] = indices.length;
    }),
  );
  return { batch, steps, inputs, offsets, indices: Int32Array.from(indices) };
}

/**
 * The same layer written another way: membranes as explicit sums over the input spikes since
 * the sample's last output spike, `v_j(t) = Σ_{r<s≤t} Σ_i pre_i(s)·w_ij·β^(t−s)`, and the STDP
 * sums by enumerating every (pre, post) spike pair with weight e^(−|Δt|/τ).
 */
function reference(layer: CompetitiveLayer, raster: number[][][]) {
  const { weights, theta, hidden } = layer;
  const inputs = raster[0][0].length;
  const beta = Math.exp(-1 / settings.tauMem);
  const counts = new Float64Array(raster.length * hidden);
  const prePost = new Float64Array(inputs * hidden);
  const postPre = new Float64Array(inputs * hidden);
  raster.forEach((sample, b) => {
    const posts: [number, number][] = [];
    let lastReset = -1;
    sample.forEach((_, t) => {
      let winner = -1;
      let best = -Infinity;
      for (let j = 0; j < hidden; j++) {
        let v = 0;
        for (let s = lastReset + 1; s <= t; s++)
          for (let i = 0; i < inputs; i++) v += sample[s][i] * weights[i * hidden + j] * beta ** (t - s);
        const above = v - settings.threshold - theta[j];
        if (above >= 0 && above > best) [winner, best] = [j, above];
      }
      if (winner >= 0) {
        posts.push([t, winner]);
        counts[b * hidden + winner] += 1;
        lastReset = t;
      }
    });
    for (const [tq, j] of posts)
      sample.forEach((row, tp) =>
        row.forEach((fired, i) => {
          if (!fired) return;
          const pair = Math.exp(-Math.abs(tq - tp) / settings.tauTrace);
          if (tp <= tq) prePost[i * hidden + j] += pair;
          else postPre[i * hidden + j] += pair;
        }),
      );
  });
  return { counts, prePost, postPre };
}

function randomRaster(seed: number, batch: number, steps: number, inputs: number, p: number): number[][][] {
  const rng = createRng(seed);
  return Array.from({ length: batch }, () =>
    Array.from({ length: steps }, () => Array.from({ length: inputs }, () => (rng.uniform() < p ? 1 : 0))),
  );
}

describe('present', () => {
  test.each([1, 2, 3, 4])(
    'equals the explicit-sum reference: counts and STDP pair sums (seed %i)',
    (seed) => {
      const rng = createRng(100 + seed);
      const [inputs, hidden] = [5, 3];
      const layer: CompetitiveLayer = {
        weights: rng.uniformArray(inputs * hidden, 0, 0.5),
        theta: rng.uniformArray(hidden, 0, 0.2),
        hidden,
      };
      const raster = randomRaster(seed, 3, 30, inputs, 0.3);
      const got = present(layer, fromRaster(raster), settings, true);
      const want = reference(layer, raster);
      expect(Array.from(got.counts)).toEqual(Array.from(want.counts));
      // The winners list the same spikes as the counts.
      const fromWinners = new Float64Array(want.counts.length);
      got.winners.forEach((j, k) => j >= 0 && (fromWinners[Math.floor(k / 30) * hidden + j] += 1));
      expect(Array.from(fromWinners)).toEqual(Array.from(want.counts));
      expect(want.counts.reduce((a, c) => a + c, 0)).toBeGreaterThan(10); // the case has spikes to pair
      // Traces and membranes accumulate in float64; the weights are float32 in both.
      for (const key of ['prePost', 'postPre'] as const)
        want[key].forEach((value, k) => expect(got[key]![k]).toBeCloseTo(value, 9));
    },
  );

  test('one output spike per step at most, by the neuron furthest above threshold', () => {
    // Two neurons cross together at step 0; neuron 1 is further above, so only it fires.
    const layer: CompetitiveLayer = {
      weights: Float32Array.from([0.7, 0.9]),
      theta: new Float32Array(2),
      hidden: 2,
    };
    const shown = present(layer, fromRaster([[[1], [0], [1]]]), settings, false);
    expect(Array.from(shown.counts)).toEqual([0, 2]);
    expect(shown.prePost).toBeUndefined();
  });

  test('a raised threshold silences a neuron', () => {
    const layer: CompetitiveLayer = {
      weights: Float32Array.from([0.7, 0.9]),
      theta: Float32Array.from([0, 1]),
      hidden: 2,
    };
    expect(Array.from(present(layer, fromRaster([[[1], [0], [1]]]), settings, false).counts)).toEqual([2, 0]);
  });
});

describe('presentRateCoded', () => {
  // One neuron on 10 inputs at intensity 0.04: at rate 0.5 it gets 0.2 spikes a step, so its
  // membrane hovers near 0.2·w/(1 − β) = 0.21 (sd 0.1) below 0.6; at 4× the rate it fires.
  const layer: CompetitiveLayer = {
    weights: new Float32Array(10).fill(0.1),
    theta: new Float32Array(1),
    hidden: 1,
  };
  const faint = new Float32Array(20).fill(0.04); // 2 samples
  const show = { ...settings, steps: 40, inputRate: 0.5 };

  test('a sample quieter than minSpikes is shown again at a doubled rate', () => {
    const shown = presentRateCoded(layer, faint, 2, { ...show, minSpikes: 3 }, true, createRng(4));
    for (const count of shown.counts) expect(count).toBeGreaterThanOrEqual(3);
    expect(Math.max(...shown.prePost!)).toBeGreaterThan(0);
  });

  test('with minSpikes 0 every sample is shown once, silent or not', () => {
    const shown = presentRateCoded(layer, faint, 2, { ...show, minSpikes: 0 }, true, createRng(4));
    expect(Array.from(shown.counts)).toEqual([0, 0]);
    expect(Math.max(...shown.prePost!)).toBe(0);
  });

  test('records each sample’s rasters from its last showing', () => {
    const x = Float32Array.from([...new Float32Array(10).fill(0.04), ...new Float32Array(10).fill(1)]);
    const shown = presentRateCoded(layer, x, 2, { ...show, minSpikes: 3 }, false, createRng(4), true);
    shown.rasters!.output.forEach((raster, b) => {
      expect(raster.times.length).toBe(shown.counts[b]);
      expect(Array.from(raster.times)).toEqual(
        [...shown.winners.keys()]
          .filter((k) => Math.floor(k / 40) === b && shown.winners[k] >= 0)
          .map((k) => k % 40),
      );
    });
    // The faint sample's raster is from a boosted showing: more input spikes than at rate 0.5 (about 8).
    expect(shown.rasters!.input[0].times.length).toBeGreaterThan(20);
    expect(shown.rasters!.input[1].units.every((i) => i >= 0 && i < 10)).toBe(true);
  });

  test(`gives up after ${RETRIES} more showings`, () => {
    const dark = new Float32Array(10); // nothing to boost
    const shown = presentRateCoded(layer, dark, 1, { ...show, minSpikes: 1 }, false, createRng(4));
    expect(Array.from(shown.counts)).toEqual([0]);
  });
});

describe('stdpUpdate', () => {
  test('potentiates, depresses, clips at 0, and rescales each neuron’s weights to sum 1', () => {
    const layer: CompetitiveLayer = {
      weights: Float32Array.from([0.2, 0.5, 0.8, 0.5]), // [2 inputs × 2 neurons]
      theta: new Float32Array(2),
      hidden: 2,
    };
    const shown = {
      counts: new Float32Array(2),
      prePost: Float64Array.from([2, 0, 0, 0]),
      postPre: Float64Array.from([0, 0, 0, 10]),
    };
    const next = stdpUpdate(layer, shown, { potentiation: 0.1, depression: 0.1 });
    // Neuron 0: (0.2 + 0.2, 0.8) → (1/3, 2/3). Neuron 1: (0.5, max(0, 0.5 − 1)) → (1, 0).
    expect(Array.from(next).map((w) => Number(w.toFixed(6)))).toEqual([0.333333, 1, 0.666667, 0]);
  });
});
