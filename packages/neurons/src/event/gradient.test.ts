// THE EventProp test: the engine's exact gradients against central finite differences of an
// independent float64 reference simulator written here, on every test backend.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, paramName } from '@plasticity/core-tensors';
import { testBackends, useBackend } from '@plasticity/core-tensors/testing';
import { lifExpParams } from '../models/params.js';
import { EventPropNetwork, paramShapes } from './network.js';
import type { NetworkSpec } from './network.js';
import { downloadWeights, gradientTensors } from './host-params.js';
import { runBatch } from './objective.js';
import type { EventLossName } from './objective.js';

const backends = await testBackends();

// ---------------------------------------------------------------------------------------------
// Reference: kernel sums instead of state updates, a global clock scanning every neuron on a
// fine grid, bisection for crossings. Slow and plain on purpose.
// ---------------------------------------------------------------------------------------------

const TAU_MEM = 20;
const TAU_SYN = 5;
const THRESHOLD = 1;
const DURATION = 40;
const GRID = 0.05; // ms between checks for a threshold crossing
const TTFS = { tau0: 0.5, tau1: 6.4, alpha: 0.003, silentPush: 0.7 };

/** Voltage of a neuron at rest at t = 0 after a current pulse of 1 at t = 0. */
function psp(s: number): number {
  return s <= 0 ? 0 : (TAU_SYN / (TAU_MEM - TAU_SYN)) * (Math.exp(-s / TAU_MEM) - Math.exp(-s / TAU_SYN));
}
function pspSlope(s: number): number {
  return s <= 0
    ? 0
    : (TAU_SYN / (TAU_MEM - TAU_SYN)) * (Math.exp(-s / TAU_SYN) / TAU_SYN - Math.exp(-s / TAU_MEM) / TAU_MEM);
}

interface RefLayer {
  size: number;
  kernel: Float64Array; // [in, size]
  recurrent?: Float64Array;
}
type Weights = Record<string, Float64Array>;
interface Sample {
  times: number[];
  units: number[];
  label: number;
}

class RefNeuron {
  reset = 0;
  inputs: [number, number][] = []; // (time, weight)
  voltage(t: number): number {
    let carried = 0;
    let v = 0;
    for (const [tj, w] of this.inputs) {
      if (tj >= t) continue;
      if (tj < this.reset) carried += w * Math.exp(-(this.reset - tj) / TAU_SYN);
      else v += w * psp(t - tj);
    }
    return v + carried * psp(t - this.reset);
  }
}

/** All spikes per spiking layer, in time order. */
function refSpikes(layers: RefLayer[], sample: Sample): { t: number; n: number }[][] {
  const neurons = layers.map((l) => Array.from({ length: l.size }, () => new RefNeuron()));
  sample.times.forEach((t, e) => {
    neurons[0].forEach((neuron, n) =>
      neuron.inputs.push([t, layers[0].kernel[sample.units[e] * layers[0].size + n]]),
    );
  });
  const spikes: { t: number; n: number }[][] = layers.map(() => []);
  let t = 0;
  while (t < DURATION) {
    const end = Math.min(t + GRID, DURATION);
    let best: { l: number; n: number; t: number } | undefined;
    neurons.forEach((layer, l) =>
      layer.forEach((neuron, n) => {
        if (!(neuron.voltage(end) >= THRESHOLD && neuron.voltage(t) < THRESHOLD)) return;
        let lo = t;
        let hi = end;
        for (let k = 0; k < 80; k++) {
          const mid = 0.5 * (lo + hi);
          if (neuron.voltage(mid) >= THRESHOLD) hi = mid;
          else lo = mid;
        }
        if (best === undefined || hi < best.t) best = { l, n, t: hi };
      }),
    );
    if (best === undefined) {
      t = end;
      continue;
    }
    const { l, n } = best;
    t = best.t;
    spikes[l].push({ t, n });
    neurons[l][n].reset = t;
    const rec = layers[l].recurrent;
    if (rec) neurons[l].forEach((m, k) => m.inputs.push([t, rec[n * layers[l].size + k]]));
    if (l + 1 < layers.length) {
      neurons[l + 1].forEach((m, k) => m.inputs.push([t, layers[l + 1].kernel[n * layers[l + 1].size + k]]));
    }
  }
  return spikes;
}

/** Leaky-integrator readouts of the last hidden layer's spikes. */
function refReadout(
  kind: 'max-voltage' | 'mean-voltage' | 'exp-mean-voltage',
  spikes: { t: number; n: number }[],
  w: Float64Array,
  outputs: number,
): number[] {
  return Array.from({ length: outputs }, (_, k) => {
    const v = (t: number) =>
      spikes.reduce((s, sp) => s + (sp.t < t ? w[sp.n * outputs + k] * psp(t - sp.t) : 0), 0);
    const slope = (t: number) =>
      spikes.reduce((s, sp) => s + (sp.t < t ? w[sp.n * outputs + k] * pspSlope(t - sp.t) : 0), 0);
    if (kind === 'max-voltage') {
      let best = Math.max(0, v(DURATION));
      for (let t = 0; t < DURATION; t += GRID) {
        const end = Math.min(t + GRID, DURATION);
        if (!(slope(t) > 0 && slope(end) <= 0)) continue;
        let lo = t;
        let hi = end;
        for (let i = 0; i < 80; i++) {
          const mid = 0.5 * (lo + hi);
          if (slope(mid) > 0) lo = mid;
          else hi = mid;
        }
        best = Math.max(best, v(lo));
      }
      return best;
    }
    // Composite Simpson between spike arrivals, where V is smooth.
    const weight = (t: number) => (kind === 'mean-voltage' ? 1 : Math.exp(-t / DURATION)) / DURATION;
    const cuts = [0, ...spikes.map((s) => s.t), DURATION].sort((a, b) => a - b);
    let total = 0;
    for (let c = 0; c + 1 < cuts.length; c++) {
      const a = cuts[c];
      const b = cuts[c + 1];
      if (b - a <= 0) continue;
      const m = 2 * Math.ceil((b - a) / 0.2);
      const h = (b - a) / m;
      // Just inside the segment so that the arrival at a counts (V is continuous anyway).
      let s = 0;
      for (let i = 0; i <= m; i++) {
        const t = a + i * h;
        const f = weight(t) * v(Math.min(Math.max(t, a + 1e-300), b));
        s += f * (i === 0 || i === m ? 1 : i % 2 === 1 ? 4 : 2);
      }
      total += (s * h) / 3;
    }
    return total;
  });
}

function refLoss(loss: EventLossName, values: number[], label: number, silentPeak: () => number): number {
  if (loss === 'ttfs') {
    const times = values.map((t) => Math.min(t, DURATION));
    const z = times.map((t) => -t / TTFS.tau0);
    const lse = Math.log(z.reduce((s, x) => s + Math.exp(x - Math.max(...z)), 0)) + Math.max(...z);
    const push = Number.isFinite(values[label]) ? 0 : TTFS.silentPush * (THRESHOLD - silentPeak());
    return lse - z[label] + TTFS.alpha * (Math.exp(times[label] / TTFS.tau1) - 1) + push;
  }
  const max = Math.max(...values);
  return Math.log(values.reduce((s, x) => s + Math.exp(x - max), 0)) + max - values[label];
}

interface Case {
  name: string;
  spec: NetworkSpec;
  loss: EventLossName;
  seed: number;
  labels: number[];
  /** Scales output unit 2's input weights (a silent output). */
  quietOutput?: number;
}

function refLayers(spec: NetworkSpec, w: Weights): RefLayer[] {
  const layers: RefLayer[] = spec.hidden.map((h, k) => ({
    size: h.size,
    kernel: w[paramName(k, 'kernel')],
    recurrent: h.recurrent ? w[paramName(k, 'recurrent')] : undefined,
  }));
  if (spec.output === 'spiking')
    layers.push({ size: spec.outputs, kernel: w[paramName(spec.hidden.length, 'kernel')] });
  return layers;
}

/** Reference mean loss, and every layer's spikes per sample. */
function refRun(
  c: Case,
  w: Weights,
  samples: Sample[],
): { loss: number; spikes: { t: number; n: number }[][][] } {
  let loss = 0;
  const all = samples.map((sample) => {
    const layers = refLayers(c.spec, w);
    const spikes = refSpikes(layers, sample);
    let values: number[];
    if (c.spec.output === 'spiking') {
      const out = spikes[spikes.length - 1];
      values = Array.from({ length: c.spec.outputs }, (_, k) => out.find((s) => s.n === k)?.t ?? Infinity);
    } else {
      values = refReadout(
        c.spec.output,
        spikes[spikes.length - 1],
        w[paramName(c.spec.hidden.length, 'kernel')],
        c.spec.outputs,
      );
    }
    // A silent output neuron never reset: its peak is that of a leaky integrator.
    const hiddenLast = spikes[c.spec.hidden.length - 1];
    const outW = w[paramName(c.spec.hidden.length, 'kernel')];
    loss += refLoss(
      c.loss,
      values,
      sample.label,
      () => refReadout('max-voltage', hiddenLast, outW, c.spec.outputs)[sample.label],
    );
    return spikes;
  });
  return { loss: loss / samples.length, spikes: all };
}

// ---------------------------------------------------------------------------------------------

const model = lifExpParams({ tauMem: TAU_MEM, tauSyn: TAU_SYN, threshold: THRESHOLD });
const CASES: Case[] = [
  {
    name: 'two feed-forward hidden layers, TTFS',
    spec: {
      inputs: 5,
      hidden: [
        { size: 6, recurrent: false },
        { size: 5, recurrent: false },
      ],
      outputs: 3,
      output: 'spiking',
      model,
      duration: DURATION,
    },
    loss: 'ttfs',
    seed: 1,
    // Sample 1's label neuron stays silent: the silent-push term carries its gradient.
    labels: [0, 2],
    quietOutput: 0.03,
  },
  {
    name: 'recurrent hidden layer, max-voltage',
    spec: {
      inputs: 5,
      hidden: [{ size: 6, recurrent: true }],
      outputs: 3,
      output: 'max-voltage',
      model,
      duration: DURATION,
    },
    loss: 'max-voltage',
    seed: 2,
    labels: [0, 1],
  },
  {
    name: 'two hidden layers, sum of voltage',
    spec: {
      inputs: 5,
      hidden: [
        { size: 5, recurrent: false },
        { size: 4, recurrent: true },
      ],
      outputs: 3,
      output: 'mean-voltage',
      model,
      duration: DURATION,
    },
    loss: 'mean-voltage',
    seed: 3,
    labels: [0, 1],
  },
  {
    name: 'one hidden layer, exp-weighted sum of voltage',
    spec: {
      inputs: 5,
      hidden: [{ size: 6, recurrent: false }],
      outputs: 3,
      output: 'exp-mean-voltage',
      model,
      duration: DURATION,
    },
    loss: 'exp-mean-voltage',
    seed: 4,
    labels: [0, 1],
  },
];

function randomWeights(c: Case): Weights {
  const { spec, seed } = c;
  const rng = createRng(seed);
  const shapes = paramShapes(spec);
  const w: Weights = {};
  for (const [name, [rows, cols]] of Object.entries(shapes)) {
    const recurrent = name.endsWith('recurrent');
    const mean = recurrent ? 0 : name === paramName(0, 'kernel') ? 3 : 2;
    const std = recurrent ? 1 : 1.5;
    // float32 values: the tf.Variables hold exactly these.
    w[name] = Float64Array.from({ length: rows * cols }, () => Math.fround(rng.normal(mean, std)));
  }
  if (c.quietOutput !== undefined) {
    const out = w[paramName(spec.hidden.length, 'kernel')];
    for (let k = 2; k < out.length; k += spec.outputs) out[k] = Math.fround(out[k] * c.quietOutput);
  }
  return w;
}

function randomSamples(seed: number, labels: number[], inputs: number): Sample[] {
  const rng = createRng(seed);
  return labels.map((label) => {
    const events = Array.from({ length: inputs }, (_, u) => ({ t: Math.fround(1 + 14 * rng.uniform()), u }));
    events.sort((x, y) => x.t - y.t);
    return { times: events.map((e) => e.t), units: events.map((e) => e.u), label };
  });
}

interface Prepared {
  c: Case;
  w: Weights;
  samples: Sample[];
  fd: Record<string, Map<number, number>>;
  refSpikes: { t: number; n: number }[][][];
}

const H = 1e-4;
const FD_PER_MATRIX = 12;

function prepare(c: Case): Prepared {
  const w = randomWeights(c);
  const samples = randomSamples(100 + c.seed, c.labels, c.spec.inputs);
  const base = refRun(c, w, samples);
  const counts = (s: { t: number; n: number }[][][]) =>
    s.map((layers) => layers.map((l) => l.length).join(',')).join(';');
  const fd: Record<string, Map<number, number>> = {};
  const rng = createRng(200 + c.seed);
  for (const [name, values] of Object.entries(w)) {
    fd[name] = new Map();
    // A random subset of each matrix keeps the reference's cost down.
    const picked = new Set(Array.from({ length: FD_PER_MATRIX }, () => rng.int(values.length)));
    for (const k of picked) {
      const keep = values[k];
      values[k] = keep + H;
      const up = refRun(c, w, samples);
      values[k] = keep - H;
      const down = refRun(c, w, samples);
      values[k] = keep;
      // A spike appearing or vanishing makes the loss jump: the finite difference means nothing then.
      expect([name, k, counts(up.spikes), counts(down.spikes)]).toEqual([
        name,
        k,
        counts(base.spikes),
        counts(base.spikes),
      ]);
      fd[name].set(k, (up.loss - down.loss) / (2 * H));
    }
  }
  return { c, w, samples, fd, refSpikes: base.spikes };
}

const prepared = new Map<string, Prepared>();

describe.each(backends)('EventProp gradients on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });
  afterAll(() => tf.disposeVariables());

  test('gradient tensors keep their values when the next ones are made (the wasm buffer is reused)', async () => {
    const network = new EventPropNetwork(CASES[0].spec);
    const grads = () =>
      Object.fromEntries(
        Object.entries(network.shapes).map(([name, [r, c]]) => [name, new Float64Array(r * c)]),
      );
    const first = grads();
    const second = grads();
    for (const g of Object.values(first)) g.forEach((_, k) => (g[k] = k + 0.5));
    for (const g of Object.values(second)) g.fill(-1);
    const a = gradientTensors(network, first);
    const b = gradientTensors(network, second);
    for (const [name, tensor] of Object.entries(a)) {
      expect(Array.from(await tensor.data())).toEqual(Array.from(first[name]));
      expect(Array.from(await b[name].data()).every((v) => v === -1)).toBe(true);
    }
    tf.dispose([...Object.values(a), ...Object.values(b)]);
  });

  test.each(CASES.map((c) => [c.name, c] as const))(
    '%s: spikes match the reference and gradients match finite differences',
    async (_, c) => {
      let p = prepared.get(c.name);
      if (p === undefined) {
        p = prepare(c);
        prepared.set(c.name, p);
      }
      const network = new EventPropNetwork(c.spec);
      const params: Record<string, tf.Variable> = {};
      for (const [name, values] of Object.entries(p.w)) {
        params[name] = tf.variable(tf.tensor2d(Float32Array.from(values), network.shapes[name]));
      }
      await downloadWeights(network, params);
      const grads = network.gradientBuffers();
      const samples = p.samples.map((s) => ({ count: s.times.length, times: s.times, units: s.units }));
      const result = runBatch(
        network,
        samples.length,
        (b) => samples[b],
        p.samples.map((s) => s.label),
        { loss: c.loss, ttfs: TTFS },
        grads,
      );
      expect(result.loss).toBeCloseTo(refRun(c, p.w, p.samples).loss, 8);

      // Forward: the same spikes at the same times.
      const layers = p.refSpikes[0].length;
      for (const [b, sample] of samples.entries()) {
        network.forward(sample);
        for (let l = 0; l < layers; l++) {
          const ref = p.refSpikes[b][l];
          const got = network.layerSpikes(l);
          const isOutput = c.spec.output === 'spiking' && l === layers - 1;
          // A TTFS output layer stops at each neuron's first spike.
          const want = isOutput ? ref.filter((s, i) => ref.findIndex((r) => r.n === s.n) === i) : ref;
          expect(got.count).toBe(want.length);
          want.forEach((s, k) => {
            expect(got.units[k]).toBe(s.n);
            expect(Math.abs(got.times[k] - s.t)).toBeLessThan(1e-9);
          });
        }
      }
      const spikeCount = p.refSpikes.flat().reduce((s, l) => s + l.length, 0);
      expect(spikeCount).toBeGreaterThan(10);
      if (c.quietOutput !== undefined) {
        // The case is there to exercise the silent-label term: make sure it does.
        const outputSpikes = p.refSpikes[1][p.refSpikes[1].length - 1];
        expect(outputSpikes.some((s) => s.n === p.samples[1].label)).toBe(false);
      }

      // Backward: through float32 tensors on this backend, like the learner's optimiser sees them.
      const tensors = gradientTensors(network, grads);
      let scale = 0;
      for (const fd of Object.values(p.fd)) for (const g of fd.values()) scale = Math.max(scale, Math.abs(g));
      expect(scale).toBeGreaterThan(1e-3);
      for (const [name, tensor] of Object.entries(tensors)) {
        const got = await tensor.data();
        const fd = p.fd[name];
        let nonzero = 0;
        for (const [k, want] of fd) {
          const tol = 1e-4 * Math.max(Math.abs(want), 1e-3 * scale);
          if (!(Math.abs(got[k] - want) <= tol)) {
            throw new Error(`${name}[${k}]: engine ${got[k]}, finite difference ${want} (tolerance ${tol})`);
          }
          if (Math.abs(want) > 1e-3 * scale) nonzero++;
        }
        // Every weight matrix must carry real gradient, or the check would be vacuous.
        expect(nonzero).toBeGreaterThan(fd.size / 3);
      }
      tf.dispose(Object.values(tensors));
      tf.dispose(Object.values(params));
    },
  );
});
