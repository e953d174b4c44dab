// NIR import and export: the NIR paper's LIF neuron against an exact event-driven simulation
// (ours, in float64, and the paper's trace when the shared data is present), the paper's CNN
// and Braille graphs as layer chains with their parameters, chains against a float64 loop of
// NIR's equations, and networks exported, written, read and imported back unchanged.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@plasticity/core-tensors';
import { assertClose, expectNoLeaks, useBackend } from '@plasticity/core-tensors/testing';
import { createSpikingNetwork } from '../network/network.js';
import type { SpikingNetwork } from '../network/network.js';
import { heaviside } from '../surrogate.js';
import { exportLayerChain, exportNirGraph } from './export.js';
import { readNirFile, writeNirFile } from './file.js';
import { nirFloat32, nirInt64, nirNumbers } from './graph.js';
import type { NirArray, NirGraph, NirNode } from './graph.js';
import { importNirGraph, networkFromNir } from './import.js';
import {
  BRAILLE_FILE,
  CNN_FILE,
  LIF_EXACT_CSV,
  LIF_FILE,
  SHARED_NIR,
  brailleGraph,
  cnnGraph,
  lifGraph,
  nirGraphFile,
} from './test-data.test-util.js';

const rng = createRng(21);
const scratch = mkdtempSync(join(tmpdir(), 'plasticity-nir-test-'));

beforeAll(async () => {
  await useBackend('cpu');
});

const param = (graph: NirGraph, node: string, key: string) =>
  nirNumbers((graph.nodes[node] as NirNode).params[key] as NirArray);

/**
 * NIR's LIF (`τ v̇ = −v + r·I`, reset by subtracting the threshold at the crossing) driven by
 * `I = w·x + b` held over each step, solved exactly in float64: within a step the voltage
 * relaxes towards r·I, and every crossing is found in closed form. Voltage after each step;
 * whether the step held a spike.
 */
function exactLif(
  inputs: number[],
  {
    tau,
    r,
    threshold,
    weight,
    bias,
    dt,
  }: Record<'tau' | 'r' | 'threshold' | 'weight' | 'bias' | 'dt', number>,
): { v: number[]; spikes: number[] } {
  let v = 0;
  const out = { v: [] as number[], spikes: [] as number[] };
  for (const x of inputs) {
    const target = r * (weight * x + bias);
    let left = dt;
    let spiked = 0;
    while (target > threshold && v < threshold) {
      const crossing = tau * Math.log((v - target) / (threshold - target));
      if (crossing > left) break;
      left -= crossing;
      v = 0; // threshold − threshold
      spiked = 1;
    }
    v = target + (v - target) * Math.exp(-left / tau);
    out.v.push(v);
    out.spikes.push(spiked);
  }
  return out;
}

describe('the NIR paper LIF neuron', () => {
  test('imports as dense → lif and matches the exact simulation: every spike step, voltage within 5 % of threshold', async () => {
    const { path, real } = await nirGraphFile(LIF_FILE, lifGraph);
    const { graph, version } = await readNirFile(path);
    expect(version).toBe(real ? '0.1.1' : '0.2.0');
    const csv = join(SHARED_NIR, LIF_EXACT_CSV);
    const rows = existsSync(csv)
      ? readFileSync(csv, 'utf8')
          .trim()
          .split('\n')
          .map((line) => line.split(',').map(Number))
      : undefined;
    // The paper's input (1000 steps of 0.1 ms) when present, else one of the same kind: single
    // input steps 1 ms apart, in two bursts that drive the neuron over threshold.
    const inputs =
      rows?.map((r) => r[0]) ??
      Array.from({ length: 1000 }, (_, t) =>
        t % 10 === 0 && ((t >= 380 && t < 540) || (t >= 650 && t < 800)) ? 1 : 0,
      );
    const params = {
      tau: param(graph, '1', 'tau')[0],
      r: param(graph, '1', 'r')[0],
      threshold: param(graph, '1', 'v_threshold')[0],
      weight: param(graph, '0', 'weight')[0],
      bias: param(graph, '0', 'bias')[0],
      dt: 1e-4,
    };
    const exact = exactLif(inputs, params);
    if (rows) {
      // Our exact simulation is the paper's: same voltages and spike steps.
      assertClose(
        exact.v,
        rows.map((r) => r[1]),
        { rtol: 1e-5, atol: 1e-8 },
        'exact vs paper',
      );
      expect(exact.spikes).toEqual(rows.map((r) => r[2]));
    }
    const network = networkFromNir(graph, { dt: 0.1, reset: 'subtract', surrogate: heaviside });
    expect(network.layers.map((l) => l.type)).toEqual(['dense', 'lif']);
    const run = network.run(tf.tensor3d(inputs, [inputs.length, 1, 1]));
    const [v, spikes] = [await run.v!.data(), await run.spikes!.data()];
    expect(Array.from(spikes)).toEqual(exact.spikes);
    expect(exact.spikes.filter((s) => s === 1).length).toBeGreaterThanOrEqual(3);
    // Ours resets at the end of the step, the exact one at the crossing: until the first spike
    // the two agree to float32 rounding, after it by less than ϑ(1 − e^(−dt/τ)) plus a rise.
    const after = Array.from(v, (value, t) => value - spikes[t] * params.threshold);
    const first = exact.spikes.indexOf(1);
    assertClose(
      after.slice(0, first),
      exact.v.slice(0, first),
      { rtol: 1e-5, atol: 1e-7 },
      'before the first spike',
    );
    const worst = Math.max(...after.map((value, t) => Math.abs(value - exact.v[t])));
    expect(worst).toBeLessThan(0.05 * params.threshold);
    tf.dispose(run);
    network.dispose();
  });
});

describe('the NIR paper graphs', () => {
  test('the Sinabs CNN imports as conv/if/pool/flatten/dense with NIR weights in our layouts, and runs', async () => {
    const { path } = await nirGraphFile(CNN_FILE, cnnGraph);
    const { graph } = await readNirFile(path);
    const imported = importNirGraph(graph, { dt: 1 });
    expect(imported.inputShape).toEqual([34, 34, 2]);
    expect(imported.layers.map((l) => l.type)).toEqual([
      'conv2d',
      'if',
      'conv2d',
      'if',
      'pool2d',
      'conv2d',
      'if',
      'pool2d',
      'flatten',
      'dense',
      'if',
      'dense',
      'if',
    ]);
    expect(imported.sources).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
    expect(imported.layers[0]).toMatchObject({
      filters: 16,
      kernel: [5, 5],
      stride: [2, 2],
      padding: [1, 1],
    });
    expect(imported.layers[4]).toMatchObject({ kind: 'sum', size: [2, 2], stride: [2, 2] });
    // IF with r = 1 over a 1 ms step: v̇ = r·I adds r·dt = 0.001 of the drive per step.
    const gain = 1e-3;
    const conv = param(graph, '0', 'weight'); // [F, C, kh, kw]
    const kernel = await imported.weights['layers.0.kernel'].data(); // [kh, kw, C, F]
    for (const [f, c, i, j] of [
      [0, 0, 0, 0],
      [15, 1, 4, 2],
      [7, 0, 3, 1],
    ]) {
      expect(kernel[((i * 5 + j) * 2 + c) * 16 + f]).toBeCloseTo(
        conv[((f * 2 + c) * 5 + i) * 5 + j] * gain,
        9,
      );
    }
    // The dense layer after Flatten reads features in our [H, W, C] order: NIR's column
    // c·16 + h·4 + w is our row (h·4 + w)·8 + c.
    const affine = param(graph, '9', 'weight'); // [256, 128]
    const dense = await imported.weights['layers.9.kernel'].data(); // [128, 256]
    for (const [h, w, c, o] of [
      [0, 0, 0, 0],
      [3, 1, 5, 200],
      [2, 3, 7, 17],
    ]) {
      expect(dense[((h * 4 + w) * 8 + c) * 256 + o]).toBeCloseTo(
        affine[o * 128 + c * 16 + h * 4 + w] * gain,
        9,
      );
    }
    const network = createSpikingNetwork(imported.layers, imported.inputShape);
    expect(network.layers.map((l) => l.outShape)).toEqual([
      [16, 16, 16],
      [16, 16, 16],
      [16, 16, 16],
      [16, 16, 16],
      [8, 8, 16],
      [8, 8, 8],
      [8, 8, 8],
      [4, 4, 8],
      [128],
      [256],
      [256],
      [10],
      [10],
    ]);
    for (const [name, value] of Object.entries(imported.weights)) network.params[name].assign(value);
    const run = network.run(tf.zeros([3, 2, 34, 34, 2]));
    expect(run.output.shape).toEqual([3, 2, 10]);
    tf.dispose(run);
    tf.dispose(Object.values(imported.weights));
    network.dispose();
  });

  test('the Braille network imports as recurrent → lif-exp → dense → lif-exp with its recurrence and gains', async () => {
    const { path } = await nirGraphFile(BRAILLE_FILE, brailleGraph);
    const { graph } = await readNirFile(path);
    const dt = 0.1;
    const imported = importNirGraph(graph, { dt });
    expect(imported.inputShape).toEqual([12]);
    expect(imported.sources).toEqual(['fc1', 'lif1.lif', 'fc2', 'lif2']);
    const units = param(graph, 'fc1', 'bias').length;
    expect(imported.layers).toEqual([
      { type: 'recurrent', units, bias: true },
      expect.objectContaining({ type: 'lif-exp', dt, threshold: 1 }),
      { type: 'dense', units: 7, bias: true },
      expect.objectContaining({ type: 'lif-exp', dt, threshold: 1 }),
    ]);
    const tauMem = param(graph, 'lif1.lif', 'tau_mem')[0];
    const tauSyn = param(graph, 'lif1.lif', 'tau_syn')[0];
    expect((imported.layers[1] as { tauMem: number }).tauMem).toBeCloseTo(tauMem * 1000, 9);
    expect((imported.layers[1] as { tauSyn: number }).tauSyn).toBeCloseTo(tauSyn * 1000, 9);
    // Input gain r·w_in·(1 − e^(−dt/τ_syn)), applied to the input, recurrent and bias weights.
    const gain =
      param(graph, 'lif1.lif', 'r')[0] *
      param(graph, 'lif1.lif', 'w_in')[0] *
      (1 - Math.exp(-(dt / 1000) / tauSyn));
    const rec = param(graph, 'lif1.w_rec', 'weight'); // [to, from]
    const ours = await imported.weights['layers.0.recurrent'].data(); // [from, to]
    for (const [from, to] of [
      [0, 1],
      [5, 30],
      [units - 1, 0],
    ]) {
      expect(ours[from * units + to]).toBeCloseTo(rec[to * units + from] * gain, 5);
    }
    const biases = param(graph, 'fc1', 'bias').map(
      (b, u) => (b + param(graph, 'lif1.w_rec', 'bias')[u]) * gain,
    );
    assertClose(await imported.weights['layers.0.bias'].data(), biases, { rtol: 1e-6, atol: 1e-6 }, 'bias');
    tf.dispose(Object.values(imported.weights));
  });

  test('reading and writing the paper graphs loses nothing: write → read gives the same graph', async () => {
    for (const [file, fixture] of [
      [LIF_FILE, lifGraph],
      [CNN_FILE, cnnGraph],
      [BRAILLE_FILE, brailleGraph],
    ] as const) {
      const original = await readNirFile((await nirGraphFile(file, fixture)).path);
      const copy = join(scratch, `copy-${file}`);
      await writeNirFile(copy, original);
      expect(await readNirFile(copy)).toEqual(original);
    }
  });
});

describe('import against NIR equations', () => {
  test('Affine → LIF with recurrence, per-neuron r and thresholds → Linear → IF equals a float64 loop of NIR', async () => {
    const [inputs, hidden, outputs, steps] = [3, 4, 2, 40];
    const w1 = rng.fork('w1').normalArray(hidden * inputs, 1, 0.4);
    const b1 = [0.1, 0, -0.05, 0.2];
    const wr = rng.fork('wr').normalArray(hidden * hidden, 0, 0.2);
    const w2 = rng.fork('w2').normalArray(outputs * hidden, 0.5, 0.5);
    const [tau, r, thresholds, rOut, thresholdOut] = [
      0.004,
      [1, 2, 0.5, 1.5],
      [0.3, 0.5, 0.2, 0.4],
      400,
      1.2,
    ];
    const graph: NirGraph = {
      nodes: {
        in: { type: 'Input', params: { shape: nirInt64([inputs]) } },
        a: { type: 'Affine', params: { weight: nirFloat32(w1, [hidden, inputs]), bias: nirFloat32(b1) } },
        n: {
          type: 'LIF',
          params: {
            tau: nirFloat32([tau, tau, tau, tau]),
            r: nirFloat32(r),
            v_leak: nirFloat32([0, 0, 0, 0]),
            v_threshold: nirFloat32(thresholds),
          },
        },
        rec: { type: 'Linear', params: { weight: nirFloat32(wr, [hidden, hidden]) } },
        b: { type: 'Linear', params: { weight: nirFloat32(w2, [outputs, hidden]) } },
        m: {
          type: 'IF',
          params: { r: nirFloat32([rOut, rOut]), v_threshold: nirFloat32([thresholdOut, thresholdOut]) },
        },
        out: { type: 'Output', params: { shape: nirInt64([outputs]) } },
      },
      edges: [
        ['in', 'a'],
        ['a', 'n'],
        ['n', 'rec'],
        ['rec', 'n'],
        ['n', 'b'],
        ['b', 'm'],
        ['m', 'out'],
      ],
    };
    const dt = 0.5; // ms
    const x = rng
      .fork('x')
      .uniformArray(steps * inputs, 0, 1)
      .map((v) => (v < 0.4 ? 1 : 0));
    // NIR with the input held over each step, integrated exactly; reset to 0 one step after
    // the threshold is reached (our discrete reading).
    const f32 = (v: number) => Math.fround(v);
    const decay = Math.exp(-dt / 1000 / f32(tau));
    let v = new Array<number>(hidden).fill(0);
    let s = new Array<number>(hidden).fill(0);
    let u = new Array<number>(outputs).fill(0);
    let z = new Array<number>(outputs).fill(0);
    const expected: number[] = [];
    for (let t = 0; t < steps; t++) {
      const drive = Array.from({ length: hidden }, (_, i) => {
        let sum = f32(b1[i]);
        for (let j = 0; j < inputs; j++) sum += f32(w1[i * inputs + j]) * x[t * inputs + j];
        for (let j = 0; j < hidden; j++) sum += f32(wr[i * hidden + j]) * s[j];
        return sum;
      });
      v = v.map((vi, i) => (s[i] ? 0 : vi) * decay + f32(r[i]) * (1 - decay) * drive[i]);
      s = v.map((vi, i) => (vi >= f32(thresholds[i]) ? 1 : 0));
      u = u.map((ui, o) => {
        let sum = 0;
        for (let j = 0; j < hidden; j++) sum += f32(w2[o * hidden + j]) * s[j];
        return (z[o] ? 0 : ui) + rOut * (dt / 1000) * sum;
      });
      z = u.map((ui) => (ui >= f32(thresholdOut) ? 1 : 0));
      expected.push(...z);
    }
    expect(expected.filter((e) => e === 1).length).toBeGreaterThan(4);
    const network = networkFromNir(graph, { dt, surrogate: heaviside });
    expect(network.layers.map((l) => l.type)).toEqual(['recurrent', 'lif', 'dense', 'if']);
    const run = network.run(tf.tensor3d(x, [steps, 1, inputs]));
    expect(Array.from(await run.spikes!.data())).toEqual(expected);
    tf.dispose(run);
    network.dispose();
  });

  test.each<[string, (g: NirGraph) => NirGraph, RegExp]>([
    [
      'a primitive with no counterpart (Delay)',
      (g) => ({
        ...g,
        nodes: { ...g.nodes, '1': { type: 'Delay', params: { delay: nirFloat32([0.001]) } } },
      }),
      /NIR node "1": Delay is not a primitive plasticity can import/,
    ],
    [
      'a leak voltage',
      (g) => ({
        ...g,
        nodes: {
          ...g.nodes,
          '1': { type: 'LIF', params: { ...(g.nodes['1'] as NirNode).params, v_leak: nirFloat32([0.2]) } },
        },
      }),
      /NIR node "1": v_leak ≠ 0/,
    ],
    ['a fan-out', (g) => ({ ...g, edges: [...g.edges, ['0', 'output']] }), /NIR node "0": feeds 1, output/],
  ])('%s is an E_UNSUPPORTED error that names the node', (_, change, message) => {
    expect(() => importNirGraph(change(lifGraph()), { dt: 0.1 })).toThrow(
      expect.objectContaining({ code: 'E_UNSUPPORTED', message: expect.stringMatching(message) }),
    );
  });

  test('a missing dt is an E_CONFIG error; an edge to no node is E_DATA_FORMAT on writing', async () => {
    expect(() => importNirGraph(lifGraph(), { dt: 0 })).toThrow(
      expect.objectContaining({ code: 'E_CONFIG' }),
    );
    const broken = { ...lifGraph(), edges: [['input', 'missing']] as const };
    await expect(
      writeNirFile(join(scratch, 'broken.nir'), { version: '0.2.0', graph: broken }),
    ).rejects.toMatchObject({
      code: 'E_DATA_FORMAT',
      message: expect.stringMatching(/"missing", which is not a node/),
    });
    expect(existsSync(join(scratch, 'broken.nir'))).toBe(false);
  });

  test('a file that is not HDF5 is E_DATA_FORMAT with its path', async () => {
    const path = join(scratch, 'not-hdf5.nir');
    await import('node:fs/promises').then((fs) => fs.writeFile(path, 'hello'));
    await expect(readNirFile(path)).rejects.toMatchObject({
      code: 'E_DATA_FORMAT',
      message: expect.stringContaining(path),
    });
  });
});

describe('export', () => {
  async function roundTrip(network: SpikingNetwork, reset?: 'zero' | 'subtract') {
    const { document, warnings } = await exportNirGraph(network);
    const path = join(scratch, `round-${rng.int(1e9)}.nir`);
    await writeNirFile(path, document);
    const { graph } = await readNirFile(path);
    const dt = network.layers.flatMap((l) => ('model' in l ? [l.model.dt] : []))[0];
    return { back: networkFromNir(graph, { dt, reset, surrogate: heaviside }), warnings };
  }

  async function sameRuns(a: SpikingNetwork, b: SpikingNetwork, x: tf.Tensor) {
    for (const [name, value] of Object.entries(a.params)) {
      expect(Array.from(await b.params[name].data())).toEqual(Array.from(await value.data()));
    }
    const [ra, rb] = [a.run(x), b.run(x)];
    expect(Array.from(await rb.output.data())).toEqual(Array.from(await ra.output.data()));
    tf.dispose([ra, rb]);
  }

  test('dense → lif (subtract), recurrent → lif-exp, dense → li: written, read and imported, same weights and outputs', async () => {
    const network = createSpikingNetwork(
      [
        { type: 'dense', units: 6, bias: true },
        { type: 'lif', tauMem: 10, reset: 'subtract', threshold: 0.8 },
        { type: 'recurrent', units: 5 },
        { type: 'lif-exp', tauMem: 8, tauSyn: 3 },
        { type: 'dense', units: 3 },
        { type: 'li', tauMem: 12, tauSyn: 4 },
      ],
      [4],
      { dt: 0.5, seed: 3, surrogate: heaviside },
    );
    const { back, warnings } = await roundTrip(network, 'subtract');
    expect(warnings).toEqual([expect.stringMatching(/layer 1 \(lif\) resets by subtracting the threshold/)]);
    expect(back.layers).toEqual(network.layers);
    const x = tf.tensor3d(
      rng
        .fork('rx')
        .uniformArray(30 * 2 * 4, 0, 1)
        .map((v) => (v < 0.5 ? 1 : 0)),
      [30, 2, 4],
    );
    await sameRuns(network, back, x);
    await expectNoLeaks(async () => {
      const { document } = await exportNirGraph(network);
      expect(Object.keys(document.graph.nodes).sort()).toEqual(
        ['0', '1', '2', '2.recurrent', '3', '4', '5', 'input', 'output'].sort(),
      );
    });
    tf.dispose(x);
    network.dispose();
    back.dispose();
  });

  test('conv2d (explicit and same padding) → if → sum pool → flatten → dense: same outputs after a round trip', async () => {
    const network = createSpikingNetwork(
      [
        { type: 'conv2d', filters: 3, kernel: 3, padding: 'same', bias: true },
        { type: 'if', threshold: 0.5 },
        { type: 'pool2d', kind: 'sum', size: 2 },
        { type: 'conv2d', filters: 2, kernel: [2, 3], stride: 2, padding: [1, 0] },
        { type: 'if' },
        { type: 'flatten' },
        { type: 'dense', units: 4 },
        { type: 'if' },
      ],
      [6, 8, 2],
      { dt: 1, seed: 5, surrogate: heaviside },
    );
    network.params['layers.0.bias'].assign(tf.tensor1d([0.1, -0.2, 0.05]));
    const { back } = await roundTrip(network, 'subtract');
    // 'same' at stride 1 with a 3×3 window is one zero each side: written as that.
    expect(back.layers[0]).toMatchObject({ padding: [1, 1] });
    expect(back.layers.slice(1)).toEqual(network.layers.slice(1));
    const x = tf.tensor(
      rng
        .fork('cx')
        .uniformArray(5 * 2 * 6 * 8 * 2, 0, 1)
        .map((v) => (v < 0.5 ? 1 : 0)),
      [5, 2, 6, 8, 2],
    );
    await sameRuns(network, back, x);
    tf.dispose(x);
    network.dispose();
    back.dispose();
  });

  test("exportLayerChain: a rule's chain with its weights is the network's graph; a weight of another shape is E_SHAPE", async () => {
    const layers = [
      { type: 'recurrent', units: 3 },
      { type: 'lif-exp', tauMem: 8, tauSyn: 3, dt: 0.25 },
      { type: 'dense', units: 2 },
      { type: 'li', tauMem: 8, tauSyn: 3, dt: 0.25 },
    ] as const;
    const network = createSpikingNetwork(layers, [4], { dt: 0.25, seed: 9 });
    const chain = { layers, inputShape: [4], dt: 0.25, params: network.params };
    await expectNoLeaks(async () => {
      const [fromChain, direct] = [await exportLayerChain(chain), await exportNirGraph(network)];
      expect(fromChain).toEqual(direct);
    });
    const wrong = tf.variable(tf.zeros([2, 2]));
    await expect(
      exportLayerChain({ ...chain, params: { ...network.params, 'layers.2.kernel': wrong } }),
    ).rejects.toMatchObject({
      code: 'E_SHAPE',
      message: "the layer chain's weight layers.2.kernel is [2,2]; its layers need [3,2]",
    });
    const { 'layers.0.recurrent': _dropped, ...missing } = network.params;
    await expect(exportLayerChain({ ...chain, params: missing })).rejects.toMatchObject({
      code: 'E_SHAPE',
      message: "the layer chain's weight layers.0.recurrent is missing; its layers need [3,3]",
    });
    wrong.dispose();
    network.dispose();
  });

  test.each<[string, object[]]>([
    ['max pooling', [{ type: 'pool2d', kind: 'max', size: 2 }]],
    ['an adaptive threshold (alif)', [{ type: 'dense', units: 2 }, { type: 'alif' }]],
    [
      'a refractory period',
      [
        { type: 'dense', units: 2 },
        { type: 'lif', refractory: 2 },
      ],
    ],
  ])('%s is an E_UNSUPPORTED error naming the layer', async (_, layers) => {
    const network = createSpikingNetwork(layers as never, layers.length === 1 ? [4, 4, 1] : [3]);
    await expect(exportNirGraph(network)).rejects.toMatchObject({
      code: 'E_UNSUPPORTED',
      message: expect.stringMatching(/^layer \d \((pool2d|alif|lif)\)/),
    });
    network.dispose();
  });
});
