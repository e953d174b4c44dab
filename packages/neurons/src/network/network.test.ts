// The composable network on every backend: each layer's forward against a float64 loop written
// from its definition, the surrogate gradient against a hand-derived chain rule, the conv/pool
// gradient against central differences, reproducible seeded params, no tensor leaks.
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, isPlasticityError } from '@plasticity/core-tensors';
import {
  assertClose,
  expectNoLeaks,
  testBackends,
  tolerance,
  useBackend,
} from '@plasticity/core-tensors/testing';
import { registerScanKernels } from '../scan/kernels.js';
import { fastSigmoid, surrogateDerivative } from '../surrogate.js';
import { createSpikingNetwork } from './network.js';
import type { SpikingNetwork } from './network.js';
import type { LayerSpec } from './spec.js';

registerScanKernels();
const backends = await testBackends();
const rng = createRng(5);

function setParams(net: SpikingNetwork, values: Record<string, ArrayLike<number>>): void {
  for (const [name, v] of Object.entries(values)) {
    const param = net.params[name];
    param.assign(tf.tensor(Array.from(v), param.shape));
  }
}

/** `x [T·B, inputs]` row-major times `w [inputs, units]` in float64. */
function matmul(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  rows: number,
  inputs: number,
  units: number,
): number[] {
  const out = new Array<number>(rows * units).fill(0);
  for (let r = 0; r < rows; r++)
    for (let k = 0; k < inputs; k++)
      for (let u = 0; u < units; u++) out[r * units + u] += x[r * inputs + k] * w[k * units + u];
  return out;
}

interface Trace {
  spikes: number[];
  v: number[];
}

/**
 * Float64 neuron loops over drive `[T, N]` (row-major), written from the model definitions:
 * snnTorch LIF/IF with the reset one step late, ALIF with its adaptation trace, the LI readout
 * with the exact exponential-synapse step, optional recurrence `[N, N]` on last step's spikes.
 */
function referenceNeurons(
  kind: 'lif' | 'if' | 'alif' | 'li',
  drive: number[],
  steps: number,
  n: number,
  p: {
    tauMem?: number;
    tauSyn?: number;
    tauAdapt?: number;
    threshold?: number;
    adaptation?: number;
    dt?: number;
  },
  recurrent?: number[],
): Trace {
  const dt = p.dt ?? 1;
  const beta = kind === 'if' ? 1 : Math.exp(-dt / (p.tauMem ?? 20));
  const rho = Math.exp(-dt / (p.tauAdapt ?? 200));
  const theta0 = p.threshold ?? 1;
  const v = new Array<number>(n).fill(0);
  const i = new Array<number>(n).fill(0);
  const a = new Array<number>(n).fill(0);
  let last = new Array<number>(n).fill(0);
  const out: Trace = { spikes: [], v: [] };
  for (let t = 0; t < steps; t++) {
    const now = new Array<number>(n).fill(0);
    for (let j = 0; j < n; j++) {
      let input = drive[t * n + j];
      if (recurrent) for (let k = 0; k < n; k++) input += last[k] * recurrent[k * n + j];
      if (kind === 'li') {
        const am = Math.exp(-dt / (p.tauMem ?? 20));
        const as = Math.exp(-dt / (p.tauSyn ?? 5));
        const c = ((p.tauSyn ?? 5) / ((p.tauMem ?? 20) - (p.tauSyn ?? 5))) * (am - as);
        v[j] = am * v[j] + c * i[j];
        i[j] = as * i[j] + input;
        out.v.push(v[j]);
        continue;
      }
      const previousThreshold = theta0 + (p.adaptation ?? 0) * a[j];
      v[j] = beta * v[j] - last[j] * previousThreshold + input;
      if (kind === 'alif') a[j] = rho * a[j] + last[j];
      const threshold = theta0 + (kind === 'alif' ? (p.adaptation ?? 0) * a[j] : 0);
      now[j] = v[j] >= threshold ? 1 : 0;
      out.v.push(v[j]);
      out.spikes.push(now[j]);
    }
    last = now;
  }
  return out;
}

/** TensorFlow-padded NHWC convolution in float64. */
function referenceConv(
  x: ArrayLike<number>,
  [n, h, w, c]: number[],
  k: ArrayLike<number>,
  [kh, kw, f]: number[],
  stride: number,
  padding: 'same' | 'valid' | [number, number],
): { y: number[]; shape: number[] } {
  // Explicit padding: that many zeros on both sides of each axis (PyTorch's convention).
  const [padRows, padCols] = typeof padding === 'string' ? [0, 0] : padding;
  const out = (len: number, size: number, pad: number) =>
    padding === 'same' ? Math.ceil(len / stride) : Math.floor((len + 2 * pad - size) / stride) + 1;
  const [ho, wo] = [out(h, kh, padRows), out(w, kw, padCols)];
  const padTop = padding === 'same' ? Math.floor(Math.max((ho - 1) * stride + kh - h, 0) / 2) : padRows;
  const padLeft = padding === 'same' ? Math.floor(Math.max((wo - 1) * stride + kw - w, 0) / 2) : padCols;
  const y: number[] = [];
  for (let b = 0; b < n; b++)
    for (let r = 0; r < ho; r++)
      for (let q = 0; q < wo; q++)
        for (let o = 0; o < f; o++) {
          let sum = 0;
          for (let dr = 0; dr < kh; dr++)
            for (let dq = 0; dq < kw; dq++) {
              const [ir, iq] = [r * stride + dr - padTop, q * stride + dq - padLeft];
              if (ir < 0 || iq < 0 || ir >= h || iq >= w) continue;
              for (let ci = 0; ci < c; ci++)
                sum += x[((b * h + ir) * w + iq) * c + ci] * k[((dr * kw + dq) * c + ci) * f + o];
            }
          y.push(sum);
        }
  return { y, shape: [n, ho, wo, f] };
}

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });
  const tol = tolerance(backend);
  // Float32 loops over 30 steps accumulate rounding: 10× the per-op allowance, at least 1e-4/1e-5.
  const loopTol = { rtol: Math.max(1e-4, 10 * tol.rtol), atol: Math.max(1e-5, 10 * tol.atol) };

  test.each([true, false])(
    'a held one-step input (fused %s) runs as the input repeated at every step, gradients included',
    async (fused) => {
      // snnTorch's tutorial shape in small: dense → lif → dense → lif, loss on the output membrane.
      const layers: LayerSpec[] = [
        { type: 'dense', units: 5, bias: true },
        { type: 'lif', tauMem: 12 },
        { type: 'dense', units: 3 },
        { type: 'lif', reset: 'zero' },
      ];
      const net = createSpikingNetwork(layers, [6], { seed: 3, fused });
      const steps = 9;
      const row = tf.tensor3d(rng.fork('held').uniformArray(2 * 6, 0, 1.5), [1, 2, 6]);
      const repeated = tf.tile(row, [steps, 1, 1]);
      const lossOf = (x: tf.Tensor, options: { steps?: number }) => () =>
        tf.sum(tf.square(net.run(x, { record: true, ...options }).v!)) as tf.Scalar;
      const held = tf.variableGrads(lossOf(row, { steps }));
      const full = tf.variableGrads(lossOf(repeated, {}));
      assertClose(await held.value.data(), await full.value.data(), { rtol: 1e-6, atol: 0 }, 'loss');
      expect(await held.value.data()).not.toEqual(new Float32Array([0]));
      for (const [name, param] of Object.entries(net.params)) {
        const [h, f] = [gradOf(held.grads, param), gradOf(full.grads, param)];
        expect(Math.max(...Array.from(await f.data(), Math.abs))).toBeGreaterThan(0);
        assertClose(await h.data(), await f.data(), { rtol: 1e-4, atol: 1e-5 }, `grad ${name}`);
      }
      const run = net.run(row, { steps });
      expect(run.output.shape).toEqual([steps, 2, 3]);
      expect(() => net.run(tf.zeros([4, 2, 6]), { steps })).toThrow(/4 steps cannot be run for 9 steps/);
      tf.dispose([row, repeated, held.value, full.value, run]);
      tf.dispose([...Object.values(held.grads), ...Object.values(full.grads)]);
      net.dispose();
    },
  );

  // conv2d and max pool2d are refused on webgpu (see refuseWrongKernels); not defined there.
  if (backend !== 'webgpu') {
    test.each<['same' | 'valid' | [number, number], number]>([
      ['same', 1],
      ['valid', 1],
      ['same', 2],
      [[1, 2], 1],
      [[2, 1], 2],
    ])('conv2d (%j, stride %s) with bias matches a direct float64 loop', async (padding, stride) => {
      const [T, B, H, W, C, F] = [2, 2, 5, 6, 2, 3];
      const net = createSpikingNetwork(
        [{ type: 'conv2d', filters: F, kernel: [3, 2], stride, padding, bias: true }],
        [H, W, C],
      );
      const x = rng.fork(`conv-${padding}-${stride}`).normalArray(T * B * H * W * C);
      const kernel = Array.from(await net.params['layers.0.kernel'].data());
      const bias = [0.5, -0.25, 1];
      setParams(net, { 'layers.0.bias': bias });
      const out = net.run(tf.tensor(x, [T, B, H, W, C]));
      const ref = referenceConv(x, [T * B, H, W, C], kernel, [3, 2, F], stride, padding);
      expect(out.output.shape).toEqual([T, B, ...ref.shape.slice(1)]);
      expect(net.outputShape).toEqual(ref.shape.slice(1));
      const expected = ref.y.map((y, i) => y + bias[i % F]);
      assertClose(await out.output.data(), expected, { rtol: tol.rtol, atol: 10 * tol.atol }, 'conv');
      tf.dispose(out);
      net.dispose();
    });
  }

  // conv2d and max pool2d are refused on webgpu (see refuseWrongKernels); not defined there.
  if (backend !== 'webgpu') {
    test.each<['max' | 'avg' | 'sum']>([['max'], ['avg'], ['sum']])(
      'pool2d %s by hand, forward and gradient',
      async (kind) => {
        // Frames 4×5, one channel, two samples (the second negated); 2×2 windows with stride 2
        // cover rows 0–3, columns 0–3.
        const frame = [1, 5, 2, 0, 9, 3, -1, 4, 4, 9, 0, 2, -3, -2, 9, 7, 1, 8, 6, 9];
        const net = createSpikingNetwork([{ type: 'pool2d', kind, size: 2 }], [4, 5, 1]);
        const x = tf.tensor([...frame, ...frame.map((v) => -v)], [1, 2, 4, 5, 1]);
        const out = net.run(x);
        expect(out.output.shape).toEqual([1, 2, 2, 2, 1]);
        const sums = [1 + 5 + 3 - 1, 2 + 0 + 4 + 4, 0 + 2 + 7 + 1, -3 - 2 + 8 + 6];
        const pooled = kind === 'sum' ? sums : sums.map((v) => v / 4);
        const expected = kind === 'max' ? [5, 4, 7, 8, 1, 0, 0, 3] : [...pooled, ...pooled.map((v) => -v)];
        expect(Array.from(await out.output.data(), (v) => v + 0)).toEqual(expected); // + 0: −0 → 0
        // d Σ output / dx: 1 at each window's maximum (the first of a tie: 4 at index 7), 1/4 over each window for avg, 0 in column 4.
        const g = tf.grad((input: tf.Tensor) => tf.sum(net.run(input).output))(x);
        const hot = (indices: number[]) =>
          Array.from({ length: 20 }, (_, i) => (indices.includes(i) ? 1 : 0));
        const inWindows = (i: number) => (i % 5 < 4 ? (kind === 'sum' ? 1 : 0.25) : 0);
        const grad =
          kind === 'max'
            ? [...hot([1, 7, 15, 17]), ...hot([6, 3, 10, 12])]
            : Array.from({ length: 40 }, (_, i) => inWindows(i % 20));
        expect(Array.from(await g.data())).toEqual(grad);
        tf.dispose([x, g, out]);
        net.dispose();
      },
    );
  }

  // conv2d and max pool2d are refused on webgpu (see refuseWrongKernels); not defined there.
  if (backend !== 'webgpu') {
    test('pool2d max with same padding and overlapping windows', async () => {
      const frame = [3, 1, 4, 1, 5, 9, 2, 6, 5];
      const net = createSpikingNetwork(
        [{ type: 'pool2d', kind: 'max', size: 2, stride: 1, padding: 'same' }],
        [3, 3, 1],
      );
      const out = net.run(tf.tensor(frame, [1, 1, 3, 3, 1]));
      // TF 'same' with a 2×2 window pads one row below and one column right.
      expect(Array.from(await out.output.data())).toEqual([5, 9, 9, 6, 9, 9, 6, 6, 5]);
      tf.dispose(out);
      net.dispose();
    });

    test.each<['max' | 'avg' | 'sum']>([['max'], ['avg'], ['sum']])(
      'pool2d %s with one explicit pad each side: zeros count in sums and averages, never win a max',
      async (kind) => {
        const frame = [-3, -1, -4, -1, -5, -9, -2, -6, -5];
        const net = createSpikingNetwork([{ type: 'pool2d', kind, size: 2, padding: 1 }], [3, 3, 1]);
        const out = net.run(tf.tensor(frame, [1, 1, 3, 3, 1]));
        // Padded to 5×5; 2×2 windows at stride 2 start at rows and columns 0 and 2.
        const windows = [[-3], [-1, -4], [-1, -2], [-5, -9, -6, -5]];
        const value = (w: number[]) => {
          const sum = w.reduce((a, b) => a + b, 0);
          return kind === 'max' ? Math.max(...w) : kind === 'sum' ? sum : sum / 4;
        };
        expect(net.outputShape).toEqual([2, 2, 1]);
        assertClose(await out.output.data(), windows.map(value), { rtol: 1e-6, atol: 1e-6 }, 'pooled');
        tf.dispose(out);
        net.dispose();
      },
    );
  }

  test.each<['lif' | 'if' | 'alif' | 'li', boolean]>([
    ['lif', false],
    ['if', false],
    ['alif', false],
    ['li', false],
    ['lif', true],
    ['alif', true],
  ])('dense → %s (recurrent: %s) matches the float64 neuron loop', async (kind, recurrent) => {
    const [T, B, IN, N] = [30, 2, 4, 3];
    const p = { tauMem: 8, tauSyn: 3, tauAdapt: 30, threshold: 1, adaptation: 0.5, dt: 1 };
    const neuron = (
      kind === 'li'
        ? { type: 'li', tauMem: p.tauMem, tauSyn: p.tauSyn }
        : kind === 'alif'
          ? { type: 'alif', tauMem: p.tauMem, tauAdapt: p.tauAdapt, adaptation: p.adaptation }
          : kind === 'lif'
            ? { type: 'lif', tauMem: p.tauMem }
            : { type: 'if' }
    ) as LayerSpec;
    const net = createSpikingNetwork(
      [{ type: recurrent ? 'recurrent' : 'dense', units: N, bias: true }, neuron],
      [IN],
      { seed: 3 },
    );
    const r = rng.fork(`${kind}-${recurrent}`);
    const x = Array.from(r.uniformArray(T * B * IN), (u) => (u < 0.3 ? 1 : 0));
    const kernel = Array.from(r.normalArray(IN * N, 0.4, 0.5));
    const bias = [0.05, -0.02, 0.1];
    const rec = Array.from(r.normalArray(N * N, 0, 0.5));
    setParams(net, {
      'layers.0.kernel': kernel,
      'layers.0.bias': bias,
      ...(recurrent ? { 'layers.0.recurrent': rec } : {}),
    });
    const run = net.run(tf.tensor(x, [T, B, IN]), { record: true });
    const drive = matmul(x, kernel, T * B, IN, N).map((d, i) => d + bias[i % N]);
    const [spikes, v] = [
      run.spikes ? Array.from(await run.spikes.data()) : [],
      Array.from(await run.v!.data()),
    ];
    let fired = 0;
    for (let b = 0; b < B; b++) {
      // Sample b's drive [T, N] out of the [T, B, N] layout, and back.
      const pick = (values: number[]) =>
        Array.from({ length: T * N }, (_, k) => values[(Math.floor(k / N) * B + b) * N + (k % N)]);
      const ref = referenceNeurons(kind, pick(drive), T, N, p, recurrent ? rec : undefined);
      assertClose(pick(v), ref.v, loopTol, `${kind} v[b=${b}]`);
      if (kind !== 'li') expect(pick(spikes)).toEqual(ref.spikes);
      fired += ref.spikes.reduce((a, s) => a + s, 0);
    }
    if (kind !== 'li') expect(fired).toBeGreaterThan(5); // resets and adaptation are exercised
    expect(run.output).toBe(kind === 'li' ? run.v : run.spikes);
    expect(run.layers[1].spikes).toBe(run.spikes);
    tf.dispose(run);
    net.dispose();
  });

  test('surrogate gradient of a 2-step dense → lif network equals the hand-derived chain rule', async () => {
    const [IN, N, theta, tauMem, slope] = [3, 2, 1, 4, 2];
    const beta = Math.exp(-1 / tauMem);
    const net = createSpikingNetwork(
      [
        { type: 'dense', units: N },
        { type: 'lif', tauMem, threshold: theta },
      ],
      [IN],
      {
        surrogate: { kind: 'fast-sigmoid', slope },
      },
    );
    const x1 = [1, 0, 1];
    const x2 = [0, 1, 1];
    const w = [0.9, 0.3, 0.4, -0.2, 0.5, 0.6];
    const a = [
      [0.7, -1.1],
      [1.3, 0.4],
    ];
    setParams(net, { 'layers.0.kernel': w });
    const xs = tf.tensor([...x1, ...x2], [2, 1, IN]);
    const weights = tf.tensor(a.flat(), [2, 1, N]);
    const grad = tf.tidy(() => {
      const { grads } = tf.variableGrads(
        () => tf.sum(tf.mul(net.run(xs).output, weights)) as tf.Scalar,
        [net.params['layers.0.kernel']],
      );
      return gradOf(grads, net.params['layers.0.kernel']);
    });
    // v1 = x1·W; s1 = H(v1 − ϑ); v2 = β·v1 − ϑ·s1 + x2·W (the reset carries no gradient).
    // dL/dW_ij = a1_j σ'(v1_j − ϑ) x1_i + a2_j σ'(v2_j − ϑ) (β x1_i + x2_i).
    const spec = { kind: 'fast-sigmoid', slope } as const;
    const expected: number[] = [];
    for (let i = 0; i < IN; i++)
      for (let j = 0; j < N; j++) {
        const v1 = x1.reduce((s, xk, k) => s + xk * w[k * N + j], 0);
        const s1 = v1 >= theta ? 1 : 0;
        const v2 = beta * v1 - theta * s1 + x2.reduce((s, xk, k) => s + xk * w[k * N + j], 0);
        expected.push(
          a[0][j] * surrogateDerivative(spec, v1 - theta) * x1[i] +
            a[1][j] * surrogateDerivative(spec, v2 - theta) * (beta * x1[i] + x2[i]),
        );
      }
    assertClose(await grad.data(), expected, tol, 'dL/dW');
    expect(expected.every((g) => g !== 0)).toBe(true);
    tf.dispose([xs, weights, grad]);
    net.dispose();
  });

  // conv2d and max pool2d are refused on webgpu (see refuseWrongKernels); not defined there.
  if (backend !== 'webgpu') {
    test.each<['avg' | 'max', number]>([
      ['avg', 0.5],
      ['max', 1e-3],
    ])('conv → %s pool → flatten → dense kernel gradients match central differences', async (kind, h) => {
      // Piecewise linear in each kernel (linear for avg), so float32 central differences with a
      // step below the distance to the next argmax switch are exact up to rounding.
      const layers: LayerSpec[] = [
        { type: 'conv2d', filters: 2, kernel: 3, padding: 'same', stride: 2, bias: true },
        { type: 'pool2d', kind, size: 2 },
        { type: 'flatten' },
        { type: 'dense', units: 2 },
      ];
      const net = createSpikingNetwork(layers, [8, 8, 1], { seed: 1 });
      const x = tf.tensor(rng.fork('fd-x').normalArray(2 * 2 * 64), [2, 2, 8, 8, 1]);
      const c = tf.tensor(rng.fork('fd-c').normalArray(2 * 2 * 2), [2, 2, 2]);
      const loss = () => tf.sum(tf.mul(net.run(x).output, c)) as tf.Scalar;
      const grads = tf.tidy(() => tf.variableGrads(loss).grads);
      for (const name of ['layers.0.kernel', 'layers.0.bias', 'layers.3.kernel']) {
        const param = net.params[name];
        const base = Array.from(await param.data());
        const fd = [];
        for (let i = 0; i < base.length; i++) {
          const at = async (delta: number) => {
            const moved = base.slice();
            moved[i] += delta;
            param.assign(tf.tensor(moved, param.shape));
            const l = tf.tidy(loss);
            const value = (await l.data())[0];
            l.dispose();
            return value;
          };
          fd.push(((await at(h)) - (await at(-h))) / (2 * h));
        }
        param.assign(tf.tensor(base, param.shape));
        const atol = kind === 'avg' ? 2e-4 : 2e-2;
        assertClose(await gradOf(grads, param).data(), fd, { rtol: Math.max(2e-3, tol.rtol), atol }, name);
      }
      tf.dispose([x, c, ...Object.values(grads)]);
      net.dispose();
    });
  }

  test('seeded params: names, shapes, reproducible, different seeds differ', async () => {
    const layers: LayerSpec[] = [
      { type: 'conv2d', filters: 3, kernel: 3, bias: true },
      { type: 'lif' },
      { type: 'flatten' },
      { type: 'recurrent', units: 4, init: 'glorot-uniform' },
      { type: 'alif' },
      { type: 'dense', units: 2, init: { dist: 'normal', mean: 0, std: 0.1 } },
      { type: 'li' },
    ];
    const [a, b, c] = [7, 7, 8].map((seed) => createSpikingNetwork(layers, [5, 5, 2], { seed }));
    expect(Object.fromEntries(Object.entries(a.params).map(([k, v]) => [k, v.shape]))).toEqual({
      'layers.0.kernel': [3, 3, 2, 3],
      'layers.0.bias': [3],
      'layers.3.kernel': [27, 4],
      'layers.3.recurrent': [4, 4],
      'layers.5.kernel': [4, 2],
    });
    const values = async (net: SpikingNetwork) =>
      Promise.all(Object.values(net.params).map(async (v) => Array.from(await v.data())));
    expect(await values(a)).toEqual(await values(b));
    expect((await values(a))[0]).not.toEqual((await values(c))[0]);
    // Glorot limit √(6/(27 + 4)) bounds the recurrent layer's kernel.
    expect(Math.max(...(await values(a))[2].map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 31));
    [a, b, c].forEach((net) => net.dispose());
  });

  test('a wrong input shape is E_SHAPE naming the expected shape', () => {
    const net = createSpikingNetwork([{ type: 'flatten' }, { type: 'lif' }], [4, 4, 2]);
    const x = tf.zeros([3, 2, 4, 4, 1]);
    let error: unknown;
    try {
      net.run(x);
    } catch (e) {
      error = e;
    }
    expect(isPlasticityError(error, 'E_SHAPE')).toBe(true);
    expect((error as Error).message).toMatch(/\[T, B, 4, 4, 2\]/);
    x.dispose();
    net.dispose();
  });

  // conv2d and max pool2d are refused on webgpu (see refuseWrongKernels); not defined there.
  if (backend !== 'webgpu') {
    test('no tensor leaks over repeated runs and gradient steps', async () => {
      const net = createSpikingNetwork(
        [
          { type: 'conv2d', filters: 2, kernel: 3, padding: 'same' },
          { type: 'lif' },
          { type: 'pool2d', kind: 'max', size: 2 },
          { type: 'flatten' },
          { type: 'recurrent', units: 3 },
          { type: 'lif-exp', refractory: 2 },
          { type: 'dense', units: 2 },
          { type: 'li' },
        ],
        [4, 4, 2],
        { fused: true },
      );
      const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([5, 2, 4, 4, 2]), 0.5), 'float32'));
      await expectNoLeaks(() => tf.dispose(net.run(x, { record: true })));
      await expectNoLeaks(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(net.run(x).output) as tf.Scalar);
        tf.dispose([value, ...Object.values(grads)]);
      });
      x.dispose();
      net.dispose();
    });
  }

  if (backend === 'webgpu') {
    test('conv2d and max pool2d networks are refused with E_BACKEND, not run wrongly', () => {
      for (const layer of [
        { type: 'conv2d', filters: 2, kernel: 3 },
        { type: 'pool2d', kind: 'max', size: 2 },
      ] as const) {
        const net = createSpikingNetwork([layer], [4, 4, 1]);
        expect(() => net.run(tf.zeros([1, 1, 4, 4, 1]))).toThrow(/wrong results on the webgpu backend/);
        net.dispose();
      }
      const avg = createSpikingNetwork([{ type: 'pool2d', kind: 'avg', size: 2 }], [4, 4, 1]);
      tf.dispose(avg.run(tf.zeros([1, 1, 4, 4, 1])));
      avg.dispose();
    });
  }
});

function gradOf(grads: Record<string, tf.Tensor>, param: tf.Variable): tf.Tensor {
  return grads[param.name];
}

test('surrogate: fastSigmoid by default, a spec builds its function, an unknown kind is E_CONFIG', () => {
  const plain = createSpikingNetwork([{ type: 'lif' }], [2]);
  expect(plain.spikeFn.surrogate).toEqual(fastSigmoid().surrogate);
  const arctan = createSpikingNetwork([{ type: 'lif' }], [2], { surrogate: { kind: 'arctan', alpha: 3 } });
  expect(arctan.spikeFn.surrogate).toEqual({ kind: 'arctan', alpha: 3 });
  let error: unknown;
  try {
    createSpikingNetwork([{ type: 'lif' }], [2], { surrogate: { kind: 'sigmoid' } as never });
  } catch (e) {
    error = e;
  }
  expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
  [plain, arctan].forEach((net) => net.dispose());
});
