// `plasticity export --nir`: a trained BPTT `layers` run written as a NIR graph whose weights are
// the checkpoint's (read back independently, from the safetensors file) and whose graph imports
// as the run's layer chain; an EventProp run written for the step --dt asks for (and refused
// without one); runs without a layer chain and missing flags are refused clearly.
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { disposeCheckpoint, initBackend, loadCheckpoint } from '@plasticity/core-tensors';
import { importNirGraph, nirNumbers } from '@plasticity/neurons';
import type { NirArray, NirNode } from '@plasticity/neurons';
import { readNirFile } from '@plasticity/neurons/node';
import { cli, onlyJson, tempDir } from './harness.test-util.js';
import { trainLayersRun } from './nir-runs.test-util.js';

const dir = tempDir('export-nir');

beforeAll(async () => {
  await initBackend('cpu');
  await trainLayersRun(dir);
});

describe('plasticity export --nir', () => {
  test("writes the run's layer chain with the checkpoint's weights", async () => {
    const run = await cli(['export', '--run', 'run', '--nir', 'model.nir', '--backend', 'cpu', '--json'], {
      cwd: dir,
    });
    expect(run.code).toBe(0);
    const report = onlyJson<{ nodes: { name: string; type: string }[]; warnings: string[]; epoch: number }>(
      run,
    );
    expect(report.nodes.map((n) => n.type)).toEqual(['Input', 'Affine', 'LIF', 'Linear', 'CubaLI', 'Output']);
    expect(report.warnings).toEqual([]);
    expect(report.epoch).toBe(1);

    const { graph } = await readNirFile(join(dir, 'model.nir'));
    const checkpoint = await loadCheckpoint(join(dir, 'run', 'checkpoint'), { optimizer: false });
    try {
      // NIR weights are [out, in]: the transpose of our kernels, unscaled (export gains are 1).
      for (const [node, param] of [
        ['0', 'layers.0.kernel'],
        ['2', 'layers.2.kernel'],
      ]) {
        const kernel = checkpoint.params[param] as tf.Tensor2D;
        const weight = (graph.nodes[node] as NirNode).params.weight as NirArray;
        expect(weight.shape).toEqual([kernel.shape[1], kernel.shape[0]]);
        expect(nirNumbers(weight)).toEqual(Array.from(await tf.transpose(kernel).data()));
      }
      const bias = (graph.nodes['0'] as NirNode).params.bias as NirArray;
      expect(nirNumbers(bias)).toEqual(Array.from(await checkpoint.params['layers.0.bias'].data()));
    } finally {
      disposeCheckpoint(checkpoint);
    }
    // Imported back, it is the run's chain.
    const imported = importNirGraph(graph, { dt: 1 });
    expect(imported.layers).toEqual([
      { type: 'dense', units: 6, bias: true },
      expect.objectContaining({ type: 'lif', tauMem: 10, reset: 'zero' }),
      { type: 'dense', units: 3, bias: false },
      expect.objectContaining({ type: 'li', tauMem: 10, tauSyn: 5 }),
    ]);
    tf.dispose(Object.values(imported.weights));
  });

  test('an eventprop run needs --dt; with it, CubaLIF neurons whose w_in holds one step of input', async () => {
    const train = await cli(
      [
        'train',
        'eventprop',
        '--dataset',
        'yinyang',
        '--set',
        'hidden=[8]',
        '--set',
        'loss=ttfs',
        '--set',
        'threads=1',
        '--epochs',
        '1',
        '--backend',
        'cpu',
        '-q',
        '--out',
        'event',
      ],
      { cwd: dir },
    );
    expect({ code: train.code, stderr: train.stderr }).toEqual({ code: 0, stderr: '' });
    const noDt = await cli(['export', '--run', 'event', '--nir', 'event.nir', '--backend', 'cpu'], {
      cwd: dir,
    });
    expect(noDt.code).toBe(2);
    expect(noDt.stderr).toMatch(/E_USAGE.*eventprop simulates exact continuous time.*--dt MS/);
    const run = await cli(
      ['export', '--run', 'event', '--nir', 'event.nir', '--dt', '0.1', '--backend', 'cpu', '--json'],
      { cwd: dir },
    );
    expect(run.code).toBe(0);
    const report = onlyJson<{ nodes: { type: string }[]; dt: number }>(run);
    expect(report.dt).toBe(0.1);
    expect(report.nodes.map((n) => n.type)).toEqual([
      'Input',
      'Linear',
      'CubaLIF',
      'Linear',
      'CubaLIF',
      'Output',
    ]);
    const { graph } = await readNirFile(join(dir, 'event.nir'));
    const hidden = (graph.nodes['1'] as NirNode).params;
    expect(nirNumbers(hidden.tau_syn as NirArray)[0]).toBe(0.005);
    expect(nirNumbers(hidden.w_in as NirArray)[0]).toBeCloseTo(1 / (1 - Math.exp(-0.1 / 5)), 12);
    // Yin-Yang's 4 features and the encoder's bias channel are the graph's 5 inputs.
    expect(nirNumbers((graph.nodes.input as NirNode).params.shape as NirArray)).toEqual([5]);
  });

  test('a stepped run refuses a --dt other than its own', async () => {
    const run = await cli(
      ['export', '--run', 'run', '--nir', 'other.nir', '--dt', '0.5', '--backend', 'cpu'],
      {
        cwd: dir,
      },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/E_USAGE.*bptt: this run steps at dt 1 ms.*drop --dt 0\.5/);
  });

  test('a run whose network is not a layer chain is E_UNSUPPORTED, and both flags are required', async () => {
    const classic = await cli(
      [
        'train',
        'backprop',
        '--dataset',
        'yinyang',
        '--set',
        'fit.epochs=1',
        '--backend',
        'cpu',
        '-q',
        '--out',
        'mlp',
      ],
      { cwd: dir },
    );
    expect(classic.code).toBe(0);
    const refused = await cli(['export', '--run', 'mlp', '--nir', 'mlp.nir', '--backend', 'cpu'], {
      cwd: dir,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/E_UNSUPPORTED.*backprop: this run's network is not a layer chain/);
    const noNir = await cli(['export', '--run', 'run'], { cwd: dir });
    expect(noNir.code).toBe(2);
    expect(noNir.stderr).toMatch(/export needs --nir FILE/);
  });
});
