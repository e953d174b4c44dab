// `plasticity import`: a NIR graph as a bptt run directory. A trained bptt run exported to NIR
// and imported back scores exactly what the run scored (eval of both); a trained EventProp run,
// exported at dt 0.1 ms and imported as a stepped bptt run, classifies as the exact engine does;
// the imported run has a report and refuses a dataset of another shape at eval with E_SHAPE; the
// NIR paper's Sinabs N-MNIST CNN (the shared file when present, else a graph of the same
// interface written here) runs on N-MNIST recordings; graphs that do not fit are refused naming
// the node or the shapes.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, initBackend } from '@plasticity/core-tensors';
import { encodeNmnist } from '@plasticity/datasets';
import { nirFloat32, nirInt64 } from '@plasticity/neurons';
import type { NirGraph } from '@plasticity/neurons';
import { writeNirFile } from '@plasticity/neurons/node';
import { cli, onlyJson, tempDir } from './harness.test-util.js';
import { trainLayersRun } from './nir-runs.test-util.js';

const here = dirname(fileURLToPath(import.meta.url));
const SHARED_CNN = join(
  process.env.PLASTICITY_SHARED ?? join(here, '..', '..', '..', '..', '..', 'shared'),
  'data',
  'nir',
  '02_cnn_cnn_sinabs.nir',
);

const dir = tempDir('import-nir');
interface EvalJson {
  accuracy: number;
  loss: number;
  count: number;
}

/** A tiny N-MNIST folder: one recording per digit per split, a few events each. */
function writeNmnist(dataDir: string): void {
  const rng = createRng(4);
  for (const split of ['Train', 'Test']) {
    for (let digit = 0; digit < 10; digit++) {
      const folder = join(dataDir, 'nmnist', split, String(digit));
      mkdirSync(folder, { recursive: true });
      const n = 40;
      const events = {
        x: Uint8Array.from({ length: n }, () => Math.floor(rng.uniform() * 34)),
        y: Uint8Array.from({ length: n }, () => Math.floor(rng.uniform() * 34)),
        polarity: Uint8Array.from({ length: n }, () => (rng.uniform() < 0.5 ? 1 : 0)),
        timestamps: Float64Array.from({ length: n }, (_, k) => 1000 * (k + 1)),
      };
      writeFileSync(join(folder, '00000.bin'), encodeNmnist(events));
    }
  }
}

/**
 * A small graph with Sinabs' interface (by default 2×34×34 events → 10 classes): Input [C, H, W]
 * → Conv2d 3×3 stride 2 → IF → Flatten → Linear → IF.
 */
function smallCnn({ channels = 2, size = 34, classes = 10 } = {}): NirGraph {
  const rng = createRng(9);
  const weight = (shape: number[], scale: number) =>
    nirFloat32(
      rng.normalArray(
        shape.reduce((a, b) => a * b, 1),
        0,
        scale,
      ),
      shape,
    );
  const ifNode = (shape: number[]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const ones = nirFloat32(new Array<number>(n).fill(1), shape);
    return { type: 'IF', params: { r: ones, v_threshold: ones } };
  };
  const side = Math.floor((size - 1) / 2) + 1;
  return {
    nodes: {
      input: { type: 'Input', params: { shape: nirInt64([channels, size, size]) } },
      conv: {
        type: 'Conv2d',
        params: {
          weight: weight([4, channels, 3, 3], 0.8),
          bias: nirFloat32([0, 0, 0, 0]),
          stride: nirInt64([2, 2]),
          padding: nirInt64([1, 1]),
          dilation: nirInt64([1, 1]),
          groups: nirInt64([1], []),
          input_shape: nirInt64([size, size]),
        },
      },
      spikes: ifNode([4, side, side]),
      flat: {
        type: 'Flatten',
        params: {
          input_type: nirInt64([4, side, side]),
          start_dim: nirInt64([0], []),
          end_dim: nirInt64([-1], []),
        },
      },
      fc: { type: 'Linear', params: { weight: weight([classes, 4 * side * side], 0.2) } },
      out: ifNode([classes]),
      output: { type: 'Output', params: { shape: nirInt64([classes]) } },
    },
    edges: [
      ['input', 'conv'],
      ['conv', 'spikes'],
      ['spikes', 'flat'],
      ['flat', 'fc'],
      ['fc', 'out'],
      ['out', 'output'],
    ],
  };
}

beforeAll(async () => {
  await initBackend('cpu');
  await trainLayersRun(dir);
  const exported = await cli(['export', '--run', 'run', '--nir', 'run.nir', '--backend', 'cpu'], {
    cwd: dir,
  });
  expect(exported.code).toBe(0);
  writeNmnist(join(dir, 'data'));
});

const evalJson = async (run: string, dataset: string) => {
  const result = await cli(
    ['eval', '--run', run, '--dataset', dataset, '--data-dir', 'data', '--backend', 'cpu', '--json'],
    { cwd: dir },
  );
  return { result, report: result.code === 0 ? onlyJson<EvalJson>(result) : undefined };
};

describe('plasticity import', () => {
  test('an exported bptt run imported back scores what the run scores, with a report', async () => {
    const tensors = tf.memory().numTensors;
    const run = await cli(
      [
        'import',
        'run.nir',
        '--dt',
        '1',
        '--dataset',
        'yinyang',
        '--out',
        'back',
        '--backend',
        'cpu',
        '--json',
      ],
      { cwd: dir },
    );
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    // The graph's weights and the learner are freed.
    expect(tf.memory().numTensors).toBe(tensors);
    const result = onlyJson<{ layers: { type: string; node: string }[]; test: EvalJson; warnings: string[] }>(
      run,
    );
    expect(result.layers).toEqual([
      { type: 'dense', node: '0' },
      { type: 'lif', node: '1' },
      { type: 'dense', node: '2' },
      { type: 'li', node: '3' },
    ]);
    expect(result.warnings).toEqual([]);
    const original = await evalJson('run', 'yinyang');
    const imported = await evalJson('back', 'yinyang');
    expect(original.report!.count).toBe(1000);
    expect(imported.report!.accuracy).toBe(original.report!.accuracy);
    expect(imported.report!.loss).toBeCloseTo(original.report!.loss, 5);
    // The import scored the test split itself, and wrote the files a trained run has.
    expect(result.test.accuracy).toBe(original.report!.accuracy);
    expect(readFileSync(join(dir, 'back', 'report.html'), 'utf8')).toContain('plasticity: bptt on yinyang');
    const config = JSON.parse(readFileSync(join(dir, 'back', 'config.json'), 'utf8')) as {
      imported: { dt: number; reset: string };
    };
    expect(config.imported).toEqual(expect.objectContaining({ dt: 1, reset: 'zero' }));
  });

  test('an EventProp run exported at dt 0.1 ms and imported as bptt classifies Yin-Yang as the exact engine does', async () => {
    const train = await cli(
      [
        'train',
        'eventprop',
        '--dataset',
        'yinyang',
        '--set',
        'hidden=[16]',
        '--set',
        'loss=max-voltage',
        '--set',
        'threads=1',
        '--epochs',
        '2',
        '--backend',
        'cpu',
        '-q',
        '--out',
        'event',
      ],
      { cwd: dir },
    );
    expect({ code: train.code, stderr: train.stderr }).toEqual({ code: 0, stderr: '' });
    for (const args of [
      ['export', '--run', 'event', '--nir', 'event.nir', '--dt', '0.1'],
      // The bptt Yin-Yang recipe codes the features as EventProp's does (t0 10, span 30, bias at 20 ms, 60 ms).
      ['import', 'event.nir', '--dt', '0.1', '--dataset', 'yinyang', '--out', 'stepped'],
    ]) {
      const run = await cli([...args, '--backend', 'cpu', '--json'], { cwd: dir });
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    }
    const exact = (await evalJson('event', 'yinyang')).report as EvalJson & { confusion: number[][] };
    const stepped = (await evalJson('stepped', 'yinyang')).report as EvalJson & { confusion: number[][] };
    // Trained enough to be more than chance (3 classes), so agreeing is not trivial.
    expect(exact.accuracy).toBeGreaterThan(0.5);
    // Measured: 66.8 % and 66.9 %, the confusion matrices one sample apart. Input spike times on
    // the 0.1 ms grid, hidden spikes a step or two late and the readout's maximum taken on the grid
    // may tip a near tie.
    expect(Math.abs(stepped.accuracy - exact.accuracy)).toBeLessThanOrEqual(0.005);
    const moved = exact.confusion
      .flat()
      .reduce((sum, count, k) => sum + Math.abs(count - stepped.confusion.flat()[k]), 0);
    expect(moved / 2).toBeLessThanOrEqual(5);
  }, 180_000);

  test('eval of an imported run on a dataset of another shape is E_SHAPE', async () => {
    const { result } = await evalJson('back', 'nmnist');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/E_SHAPE.*dataset nmnist gives .*"events".*trained on .*"dense"/);
  });

  test('the Sinabs N-MNIST CNN graph runs on N-MNIST recordings', async () => {
    const real = existsSync(SHARED_CNN);
    const file = real ? SHARED_CNN : join(dir, 'cnn.nir');
    if (!real) await writeNirFile(file, { version: '0.2.0', graph: smallCnn() });
    const run = await cli(
      [
        'import',
        file,
        '--dt',
        '1',
        '--dataset',
        'nmnist',
        '--data-dir',
        'data',
        '--set',
        'duration=20',
        '--out',
        'cnn',
        '--backend',
        'cpu',
        '--json',
      ],
      { cwd: dir },
    );
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const result = onlyJson<{ layers: { type: string }[]; test: EvalJson }>(run);
    expect(result.layers[0].type).toBe('conv2d');
    expect(result.layers[result.layers.length - 1].type).toBe('if');
    expect(result.test.count).toBe(10);
    const { report } = await evalJson('cnn', 'nmnist');
    expect(report).toEqual(expect.objectContaining({ count: 10, accuracy: result.test.accuracy }));
  }, 120_000);

  test('graphs that do not fit: the node named, or the shapes', async () => {
    const tensors = tf.memory().numTensors;
    // Yin-Yang has 3 classes; the CNN 10 outputs.
    await writeNirFile(join(dir, 'small.nir'), { version: '0.2.0', graph: smallCnn() });
    const classes = await cli(['import', 'small.nir', '--dt', '1', '--dataset', 'yinyang', '--out', 'x'], {
      cwd: dir,
    });
    expect(classes.code).toBe(1);
    expect(classes.stderr).toMatch(/E_SHAPE.*does not fit dataset yinyang: the graph gives \[10\] outputs/);
    // The refused import leaves no run directory behind.
    expect(existsSync(join(dir, 'x'))).toBe(false);
    // Inputs: Yin-Yang's 4 features without the bias channel for the graph's 5 inputs; a 2×2 image
    // (4 channels) for Yin-Yang's 5.
    const noBias = await cli(
      [
        'import',
        'run.nir',
        '--dt',
        '1',
        '--dataset',
        'yinyang',
        '--set',
        'encoder={"t0":10,"span":30,"invert":false}',
        '--out',
        'x',
      ],
      { cwd: dir },
    );
    expect(noBias.code).toBe(1);
    expect(noBias.stderr).toMatch(
      /E_SHAPE.*the graph takes inputs of shape \[5\], the dataset gives \[4\] per step/,
    );
    await writeNirFile(join(dir, 'image.nir'), {
      version: '0.2.0',
      graph: smallCnn({ channels: 1, size: 2, classes: 3 }),
    });
    const image = await cli(['import', 'image.nir', '--dt', '1', '--dataset', 'yinyang', '--out', 'x'], {
      cwd: dir,
    });
    expect(image.code).toBe(1);
    expect(image.stderr).toMatch(
      /E_SHAPE.*does not fit dataset yinyang: bptt: frame 2 × 2 × 1 has 4 channels; the input has 5/,
    );
    const graph = smallCnn();
    (graph.nodes.flat as { type: string }).type = 'Delay';
    await writeNirFile(join(dir, 'delay.nir'), { version: '0.2.0', graph });
    const unsupported = await cli(['import', 'delay.nir', '--dt', '1', '--dataset', 'nmnist', '--out', 'y'], {
      cwd: dir,
    });
    expect(unsupported.code).toBe(2);
    expect(unsupported.stderr).toMatch(/E_UNSUPPORTED.*NIR node "flat": Delay is not a primitive/);
    const noDt = await cli(['import', 'run.nir', '--dataset', 'yinyang'], { cwd: dir });
    expect(noDt.code).toBe(2);
    expect(noDt.stderr).toMatch(/import needs --dt MS/);
    // Refused imports free what they read.
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
