import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '@plasticity/core-tensors';
import { writeNirFile } from './file.js';
import { nirFloat32, nirInt64 } from './graph.js';
import type { NirArray, NirGraph } from './graph.js';

// The NIR paper's graphs in the shared data folder beside the repository (PLASTICITY_SHARED
// overrides) when present; otherwise graphs of the same architectures that we write ourselves,
// with seeded random weights, so that a clone without the folder runs the same checks.

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..', '..');
export const SHARED_NIR = join(
  process.env.PLASTICITY_SHARED ?? join(repoRoot, '..', 'shared'),
  'data',
  'nir',
);

export const LIF_FILE = '01_lif_lif_norse.nir';
export const LIF_EXACT_CSV = '01_lif_lif_exact.csv';
export const CNN_FILE = '02_cnn_cnn_sinabs.nir';
export const BRAILLE_FILE = '03_rnn_braille_noDelay_bias_zero.nir';

const f64 = (values: number[]): NirArray => ({
  dtype: 'float64',
  shape: [values.length],
  data: Float64Array.from(values),
});
const filled = (n: number, value: number, shape: number[] = [n]) =>
  nirFloat32(new Array<number>(n).fill(value), shape);

function random(name: string, shape: number[], scale: number): NirArray {
  const size = shape.reduce((a, b) => a * b, 1);
  return nirFloat32(createRng(5).fork(name).normalArray(size, 0, scale), shape);
}

/** One LIF neuron behind a 1×1 Affine (the graph Norse exported for the NIR paper). */
export const lifGraph = (): NirGraph => ({
  nodes: {
    input: { type: 'Input', params: { shape: nirInt64([1]) } },
    '0': { type: 'Affine', params: { weight: nirFloat32([1], [1, 1]), bias: nirFloat32([0]) } },
    '1': {
      type: 'LIF',
      params: {
        tau: nirFloat32([0.0025]),
        r: nirFloat32([1]),
        v_leak: nirFloat32([0]),
        v_threshold: nirFloat32([0.1]),
      },
    },
    output: { type: 'Output', params: { shape: nirInt64([1]) } },
  },
  edges: [
    ['input', '0'],
    ['0', '1'],
    ['1', 'output'],
  ],
});

/** Sinabs' N-MNIST CNN: 2×34×34 → conv 16 (5×5, stride 2, pad 1) → ... → 10 IF outputs. */
export function cnnGraph(): NirGraph {
  const conv = (name: string, out: number, inC: number, k: number, stride: number, size: number) => ({
    type: 'Conv2d',
    params: {
      weight: random(name, [out, inC, k, k], 0.2),
      bias: filled(out, 0),
      stride: nirInt64([stride, stride]),
      padding: nirInt64([1, 1]),
      dilation: nirInt64([1, 1]),
      groups: nirInt64([1], []),
      input_shape: nirInt64([size, size]),
    },
  });
  const neuron = (shape: number[]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return { type: 'IF', params: { r: filled(n, 1, shape), v_threshold: filled(n, 1, shape) } };
  };
  const pool = {
    type: 'SumPool2d',
    params: { kernel_size: nirInt64([2, 2]), stride: nirInt64([2, 2]), padding: nirInt64([0, 0]) },
  };
  const nodes = {
    input: { type: 'Input', params: { shape: nirInt64([2, 34, 34]) } },
    '0': conv('0', 16, 2, 5, 2, 34),
    '1': neuron([16, 16, 16]),
    '2': conv('2', 16, 16, 3, 1, 16),
    '3': neuron([16, 16, 16]),
    '4': pool,
    '5': conv('5', 8, 16, 3, 1, 8),
    '6': neuron([8, 8, 8]),
    '7': pool,
    '8': {
      type: 'Flatten',
      params: { input_type: nirInt64([8, 4, 4]), start_dim: nirInt64([0], []), end_dim: nirInt64([-1], []) },
    },
    '9': { type: 'Affine', params: { weight: random('9', [256, 128], 0.1), bias: filled(256, 0) } },
    '10': neuron([256]),
    '11': { type: 'Affine', params: { weight: random('11', [10, 256], 0.1), bias: filled(10, 0) } },
    '12': neuron([10]),
    output: { type: 'Output', params: { shape: nirInt64([10]) } },
  };
  const chain = ['input', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', 'output'];
  return { nodes, edges: chain.slice(1).map((to, i) => [chain[i], to] as const) };
}

/** The Braille network: 12 inputs → 38 recurrent CubaLIF → 7 CubaLIF (snnTorch's export). */
export function brailleGraph(): NirGraph {
  const cuba = (n: number, tauMem: number, tauSyn: number, r: number, wIn: number) => ({
    type: 'CubaLIF',
    params: {
      r: f64(new Array<number>(n).fill(r)),
      tau_mem: f64(new Array<number>(n).fill(tauMem)),
      tau_syn: f64(new Array<number>(n).fill(tauSyn)),
      v_leak: f64(new Array<number>(n).fill(0)),
      v_threshold: f64(new Array<number>(n).fill(1)),
      w_in: f64(new Array<number>(n).fill(wIn)),
    },
  });
  return {
    nodes: {
      input: { type: 'Input', params: { shape: nirInt64([12]) } },
      fc1: {
        type: 'Affine',
        params: { weight: random('fc1', [38, 12], 0.5), bias: random('b1', [38], 0.2) },
      },
      'lif1.lif': cuba(38, 0.001, 0.0002222222, 10, 2.2222222),
      'lif1.w_rec': {
        type: 'Affine',
        params: { weight: random('rec', [38, 38], 0.3), bias: random('brec', [38], 0.2) },
      },
      fc2: { type: 'Affine', params: { weight: random('fc2', [7, 38], 0.3), bias: random('b2', [7], 0.2) } },
      lif2: cuba(7, 0.0002222222, 0.0002, 2.2222222, 2),
      output: { type: 'Output', params: { shape: nirInt64([7]) } },
    },
    edges: [
      ['lif1.w_rec', 'lif1.lif'],
      ['lif2', 'output'],
      ['fc2', 'lif2'],
      ['lif1.lif', 'lif1.w_rec'],
      ['input', 'fc1'],
      ['fc1', 'lif1.lif'],
      ['lif1.lif', 'fc2'],
    ],
  };
}

let fixtureDir: string | undefined;

/**
 * The path of a NIR paper graph: the shared file when present (`real`), else our graph of the
 * same architecture written to a temporary folder.
 */
export async function nirGraphFile(
  file: string,
  fixture: () => NirGraph,
): Promise<{ path: string; real: boolean }> {
  const shared = join(SHARED_NIR, file);
  if (existsSync(shared)) return { path: shared, real: true };
  fixtureDir ??= mkdtempSync(join(tmpdir(), 'plasticity-nir-'));
  const path = join(fixtureDir, file);
  if (!existsSync(path)) await writeNirFile(path, { version: '0.2.0', graph: fixture() });
  return { path, real: false };
}
