import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_FIT_SETTINGS, parseConfig } from '@plasticity/core-tensors';
import { YINYANG_SPLITS, encodeIdx, writeNpy, yinYang } from '@plasticity/datasets';
import { backpropRule } from '@plasticity/rule-backprop';
import { cli, onlyJson, tempDir } from './harness.test-util.js';

// End-to-end through the command functions, in this process, on the cpu backend (exact and
// deterministic); few epochs so that each run takes about a second.

interface TrainJson {
  rule: string;
  dataset: string;
  test: { accuracy: number; loss: number; count: number };
  validation?: { accuracy: number; loss: number; count: number };
  epochs: number;
  seconds: number;
  backend: string;
  out: string;
}

interface EvalJson {
  accuracy: number;
  loss: number;
  count: number;
  perClass: { class: number; name?: string; count: number; correct: number }[];
  confusion: number[][];
  epoch: number;
}

const readLines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter(Boolean);

describe('train → run directory → eval', () => {
  const dir = tempDir('train');
  const out = join(dir, 'run');
  let trained: TrainJson;

  beforeAll(async () => {
    const run = await cli(
      [
        'train',
        'backprop',
        '--dataset',
        'yinyang',
        '--epochs',
        '2',
        '--backend',
        'cpu',
        '--json',
        '--out',
        'run',
      ],
      {
        cwd: dir,
      },
    );
    expect(run.stderr).not.toContain('error');
    expect(run.code).toBe(0);
    trained = onlyJson<TrainJson>(run);
    // Raw Yin-Yang test points (x, y) as numpy would save them; training saw [x, y, 1−x, 1−y].
    const { points, labels } = yinYang(YINYANG_SPLITS.test);
    await writeNpy(join(dir, 'x.npy'), { data: points, shape: [labels.length, 2] });
    await writeNpy(join(dir, 'y.npy'), { data: labels, shape: [labels.length], dtype: 'int64' });
  });

  test('--json prints the final metrics as one object', () => {
    expect(trained).toMatchObject({ rule: 'backprop', dataset: 'yinyang', epochs: 2, backend: 'cpu', out });
    expect(trained.test.count).toBe(1000);
    expect(trained.test.accuracy).toBeGreaterThan(0.5); // 3 classes: chance is 1/3
    expect(trained.test.loss).toBeGreaterThan(0);
    expect(trained.validation?.count).toBe(1000);
  });

  test('the run directory holds config, checkpoint, metrics, result and report', () => {
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      format: 'plasticity-run/1',
      rule: 'backprop',
      dataset: 'yinyang',
      config: parseConfig(backpropRule, backpropRule.recipes?.yinyang?.config),
      fit: { ...DEFAULT_FIT_SETTINGS, ...backpropRule.recipes?.yinyang?.fit, epochs: 2 },
      task: { input: { kind: 'dense', shape: [4] }, outputs: 3 },
      preprocess: { kind: 'mirror' },
      classNames: ['yin', 'yang', 'dot'],
      backend: { requested: 'cpu', name: 'cpu' },
    });
    expect(config.versions).toMatchObject({
      plasticity: expect.stringMatching(/^\d/),
      'tfjs-core': expect.any(String),
    });
    for (const file of ['checkpoint.json', 'model.safetensors', 'optimizer.safetensors']) {
      expect(existsSync(join(out, 'checkpoint', file))).toBe(true);
    }
    const metrics = readLines(join(out, 'metrics.jsonl')).map((l) => JSON.parse(l));
    expect(metrics.map((m) => m.epoch)).toEqual([1, 2]);
    expect(metrics[1].test).toEqual(trained.test);
    expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))).toEqual(trained);
    const report = readFileSync(join(out, 'report.html'), 'utf8');
    expect(report).toContain('<svg');
    expect(report).toContain(trained.test.accuracy.toFixed(4));
    expect(report).not.toMatch(/<script|<link|src=/);
  });

  test('eval --dataset reproduces the final test metrics from the checkpoint', async () => {
    const before = tf.memory().numTensors;
    const run = await cli(['eval', '--run', out, '--dataset', 'yinyang', '--backend', 'cpu', '--json']);
    expect(run.code).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    const result = onlyJson<EvalJson>(run);
    expect(result.accuracy).toBe(trained.test.accuracy);
    expect(result.loss).toBeCloseTo(trained.test.loss, 6);
    expect(result.count).toBe(1000);
    expect(result.epoch).toBe(2);
    // Per-class counts agree with the confusion matrix and the accuracy.
    expect(result.perClass.map((c) => c.name)).toEqual(['yin', 'yang', 'dot']);
    expect(result.perClass.reduce((a, c) => a + c.count, 0)).toBe(1000);
    result.perClass.forEach((c, i) => {
      expect(c.correct).toBe(result.confusion[i][i]);
      expect(c.count).toBe(result.confusion[i].reduce((a, b) => a + b, 0));
    });
    expect(result.perClass.reduce((a, c) => a + c.correct, 0) / 1000).toBeCloseTo(result.accuracy, 10);
  });

  test('eval --inputs/--labels applies the run preprocessing to raw features', async () => {
    const fromNpy = await cli(
      ['eval', '--run', 'run', '--inputs', 'x.npy', '--labels', 'y.npy', '--backend', 'cpu', '--json'],
      {
        cwd: dir,
      },
    );
    expect(fromNpy.code).toBe(0);
    const viaDataset = onlyJson<EvalJson>(
      await cli(['eval', '--run', out, '--dataset', 'yinyang', '--backend', 'cpu', '--json']),
    );
    const viaNpy = onlyJson<EvalJson>(fromNpy);
    expect(viaNpy.accuracy).toBe(viaDataset.accuracy);
    expect(viaNpy.confusion).toEqual(viaDataset.confusion);
    expect(viaNpy.loss).toBeCloseTo(viaDataset.loss, 6);

    // Human-readable form: accuracy and per-class lines.
    const text = await cli([
      'eval',
      '--run',
      out,
      '--inputs',
      join(dir, 'x.npy'),
      '--labels',
      join(dir, 'y.npy'),
      '--backend',
      'cpu',
    ]);
    expect(text.stdout).toMatch(/^accuracy \d+\.\d\d% \(\d+\/1000\), loss \d\.\d{4}\n/);
    expect(text.stdout).toMatch(/\n\s+2 dot\s+\d+\/\d+/);
  });

  test('eval --inputs with mismatched or malformed files fails clearly', async () => {
    await writeNpy(join(dir, 'short.npy'), { data: new Int32Array(5), shape: [5] });
    const mismatch = await cli(
      ['eval', '--run', out, '--inputs', 'x.npy', '--labels', 'short.npy', '--backend', 'cpu'],
      { cwd: dir },
    );
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(
      /^error \[E_SHAPE\]: .*x\.npy has 1000 rows but .*short\.npy has 5 labels/,
    );
    await writeNpy(join(dir, 'y5.npy'), { data: new Int32Array(1000).fill(5), shape: [1000] });
    const label = await cli(
      ['eval', '--run', out, '--inputs', 'x.npy', '--labels', 'y5.npy', '--backend', 'cpu'],
      { cwd: dir },
    );
    expect(label.code).toBe(1);
    expect(label.stderr).toMatch(
      /^error \[E_DATA_FORMAT\]: .*y5\.npy: label 5 at index 0 is not one of the run's 3 classes/,
    );
    const missing = await cli(['eval', '--run', out, '--inputs', 'nope.npy', '--labels', 'y.npy'], {
      cwd: dir,
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error \[E_USAGE\]: --inputs .*nope\.npy: no such file\n$/);
    writeFileSync(join(dir, 'junk.npy'), 'not numpy');
    const junk = await cli(
      ['eval', '--run', out, '--inputs', 'junk.npy', '--labels', 'y.npy', '--backend', 'cpu'],
      { cwd: dir },
    );
    expect(junk.code).toBe(1);
    expect(junk.stderr).toMatch(/^error \[E_DATA_FORMAT\]: .*junk\.npy/);
    expect(junk.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  test('an existing run is not overwritten by accident', async () => {
    const again = await cli([
      'train',
      'backprop',
      '--dataset',
      'yinyang',
      '--epochs',
      '1',
      '--backend',
      'cpu',
      '--out',
      out,
    ]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a run; pass --resume .* --overwrite/);
    expect(readLines(join(out, 'metrics.jsonl'))).toHaveLength(2);
  });
});

describe('resume', () => {
  const dir = tempDir('resume');
  const args = [
    'train',
    'backprop',
    '--dataset',
    'yinyang',
    '--epochs',
    '2',
    '--batch-size',
    '100',
    '--backend',
    'cpu',
  ];

  test('an interrupted run continues from its checkpoint to the same result as an uninterrupted one', async () => {
    // Stop after the first epoch, as Ctrl-C would (the CLI aborts the same signal on SIGINT).
    const controller = new AbortController();
    const stopped = await cli([...args, '--out', 'run'], {
      cwd: dir,
      signal: controller.signal,
      onStderr: (chunk) => {
        if (chunk.startsWith('epoch 1/2')) controller.abort();
      },
    });
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain(
      `stopped in epoch 2; the checkpoint of epoch 1 is kept: continue with plasticity train --resume --out ${join(dir, 'run')}\n`,
    );
    expect(readLines(join(dir, 'run', 'metrics.jsonl')).map((l) => JSON.parse(l).epoch)).toEqual([1]);

    const settled = tf.memory().numTensors;
    const resumed = await cli(['train', '--resume', '--out', 'run', '--json'], { cwd: dir });
    expect(resumed.code).toBe(0);
    expect(tf.memory().numTensors).toBe(settled);
    expect(resumed.stderr).toContain('resuming at epoch 2/2');
    expect(resumed.stderr).not.toContain('epoch 1/2 ');
    const result = onlyJson<TrainJson>(resumed);
    expect(result.epochs).toBe(2);
    expect(readLines(join(dir, 'run', 'metrics.jsonl')).map((l) => JSON.parse(l).epoch)).toEqual([1, 2]);
    expect(readFileSync(join(dir, 'run', 'report.html'), 'utf8').match(/<tr><td class="num">/g)).toHaveLength(
      2,
    );

    // Same shuffles, params and optimiser state: equal up to float32 rounding (the restored
    // Adam step counter recomputes beta^t instead of accumulating it).
    const straight = onlyJson<TrainJson>(await cli([...args, '--out', 'straight', '--json'], { cwd: dir }));
    for (const split of ['test', 'validation'] as const) {
      expect(result[split]?.accuracy).toBe(straight[split]?.accuracy);
      expect(Math.abs((result[split]?.loss ?? 0) / (straight[split]?.loss ?? 1) - 1)).toBeLessThan(1e-6);
    }
  });

  test('resume keeps the run settings: changing them is refused', async () => {
    const run = await cli(['train', '--resume', '--out', 'run', '--lr', '0.5'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error \[E_USAGE\]: --resume continues .* drop --lr/);
    const other = await cli(['train', 'backprop', '--dataset', 'mnist', '--resume', '--out', 'run'], {
      cwd: dir,
    });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/cannot be resumed as dataset "mnist"/);
    const nothing = await cli(['train', '--resume', '--out', 'nothing-here'], { cwd: dir });
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/not a plasticity run directory/);
  });
});

describe('settings precedence: rule defaults ← recipe ← --config file ← flags', () => {
  test('each layer overrides the one before, field by field', async () => {
    const dir = tempDir('layers');
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({
        config: { hidden: [8], activation: 'tanh' },
        fit: { epochs: 1, batchSize: 64, seed: 7 },
      }),
    );
    const run = await cli(
      [
        'train',
        'backprop',
        '--dataset',
        'yinyang',
        '-c',
        'settings.json',
        '--batch-size',
        '100',
        '--backend',
        'cpu',
        '--out',
        'r',
        '-q',
      ],
      { cwd: dir },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const { config, fit } = JSON.parse(readFileSync(join(dir, 'r', 'config.json'), 'utf8'));
    const recipe = backpropRule.recipes?.yinyang;
    expect(recipe?.config?.hidden).not.toEqual([8]); // the file must really override something
    // File over recipe (hidden, activation), recipe over rule defaults (the rest of the recipe),
    // rule defaults underneath (dropout), flags over file (batch size).
    expect(config).toEqual({ ...parseConfig(backpropRule, recipe?.config), hidden: [8], activation: 'tanh' });
    expect(config.dropout).toBe(0);
    expect(fit).toEqual({ ...DEFAULT_FIT_SETTINGS, ...recipe?.fit, epochs: 1, batchSize: 100, seed: 7 });
    // And the model really has that shape.
    const manifest = JSON.parse(readFileSync(join(dir, 'r', 'checkpoint', 'checkpoint.json'), 'utf8'));
    const shapes = Object.values(manifest.params as Record<string, { shape: number[] }>).map((p) =>
      p.shape.join('x'),
    );
    expect(shapes).toEqual(expect.arrayContaining([expect.stringMatching(/^(8x4|4x8)$/)]));
    // Human output: the summary line on stdout.
    expect(run.stdout).toMatch(/^test accuracy \d+\.\d\d% .* after 1 epochs, .* on cpu\nrun saved in /);
  });
});

describe('--data-dir and PLASTICITY_DATA_DIR', () => {
  // A tiny stand-in MNIST (raw IDX, the uncompressed file names) so no download is needed.
  const dataDir = tempDir('data');
  const write = (name: string, dims: number[], values: (i: number) => number): void => {
    const data = Uint8Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => values(i));
    writeFileSync(join(dataDir, 'mnist', name), encodeIdx(dims, data));
  };
  beforeAll(() => {
    mkdirSync(join(dataDir, 'mnist'));
    write('train-images-idx3-ubyte', [40, 28, 28], (i) => (i * 7) % 256);
    write('train-labels-idx1-ubyte', [40], (i) => i % 10);
    write('t10k-images-idx3-ubyte', [20, 28, 28], (i) => (i * 13) % 256);
    write('t10k-labels-idx1-ubyte', [20], (i) => (i * 3) % 10);
  });
  const small = ['--epochs', '1', '--backend', 'cpu', '--no-download', '-q', '--json'];

  test('--data-dir points at local files', async () => {
    const dir = tempDir('mnist');
    writeFileSync(join(dir, 'small.json'), JSON.stringify({ config: { hidden: [16] } }));
    const run = await cli(
      [
        'train',
        'backprop',
        '--dataset',
        'mnist',
        '--data-dir',
        dataDir,
        '-c',
        'small.json',
        '--out',
        'r',
        ...small,
      ],
      {
        cwd: dir,
      },
    );
    expect(run.stderr).toBe('');
    expect(onlyJson<TrainJson>(run).test.count).toBe(20);
  });

  test('PLASTICITY_DATA_DIR is the default', async () => {
    const dir = tempDir('mnist-env');
    writeFileSync(join(dir, 'small.json'), JSON.stringify({ config: { hidden: [16] } }));
    const run = await cli(
      ['train', 'backprop', '--dataset', 'mnist', '-c', 'small.json', '--out', 'r', ...small],
      {
        cwd: dir,
        env: { PLASTICITY_DATA_DIR: dataDir },
      },
    );
    expect(onlyJson<TrainJson>(run).test.count).toBe(20);
    const evaluated = await cli(
      ['eval', '--run', 'r', '--dataset', 'mnist', '--backend', 'cpu', '--no-download', '--json'],
      {
        cwd: dir,
        env: { PLASTICITY_DATA_DIR: dataDir },
      },
    );
    expect(onlyJson<EvalJson>(evaluated).count).toBe(20);
  });

  test('missing files with --no-download: a clear error naming the folder', async () => {
    const empty = tempDir('empty');
    const run = await cli([
      'train',
      'backprop',
      '--dataset',
      'mnist',
      '--data-dir',
      empty,
      '--out',
      join(empty, 'r'),
      ...small,
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(join(empty, 'mnist'));
    expect(run.stderr).toMatch(/^error \[E_USAGE\]: .*download is disabled/);
  });
});
