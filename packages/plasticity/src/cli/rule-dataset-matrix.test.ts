import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, jest, test } from '@jest/globals';
import { listRules } from '@plasticity/core-tensors';
import { encodeIdx, listDatasets } from '@plasticity/datasets';
import { cli, tempDir } from './harness.test-util.js';
import { EXIT_INTERRUPTED } from './errors.js';
import './builtin-rules.js';

jest.setTimeout(120_000);

const here = dirname(fileURLToPath(import.meta.url));
const SHD_CLASSES = join(here, '..', '..', '..', 'datasets', 'src', 'shd', 'fixtures', 'shd-classes.h5');

const dataDir = tempDir('matrix-data');

/** MNIST-format images a network can learn: class c is a bright 6×6 block in its own place. */
function writeBlockDigits(folder: string): void {
  mkdirSync(join(dataDir, folder), { recursive: true });
  const write = (prefix: string, count: number, salt: number): void => {
    const images = new Uint8Array(count * 784);
    const labels = Uint8Array.from({ length: count }, (_, i) => (i * 7 + salt) % 10);
    labels.forEach((c, i) => {
      // Rows 2–27 only: row 0 stays blank for Forward-Forward's label.
      const top = 3 + 9 * Math.floor(c / 4);
      const left = 2 + 7 * (c % 4);
      for (let y = 0; y < 6; y++)
        for (let x = 0; x < 6; x++) images[i * 784 + (top + y) * 28 + left + x] = 200 + ((i + x * y) % 56);
    });
    writeFileSync(join(dataDir, folder, `${prefix}-images-idx3-ubyte`), encodeIdx([count, 28, 28], images));
    writeFileSync(join(dataDir, folder, `${prefix}-labels-idx1-ubyte`), encodeIdx([count], labels));
  };
  write('train', 200, 1);
  write('t10k', 50, 3);
}

beforeAll(() => {
  writeBlockDigits('mnist');
  writeBlockDigits('fashion-mnist');
  // SHD: 48 samples of 4 classes (300 spikes on a class's own units and 100 ms slot), trained
  // and tested on the same file.
  mkdirSync(join(dataDir, 'shd'));
  copyFileSync(SHD_CLASSES, join(dataDir, 'shd', 'shd_train.h5'));
  copyFileSync(SHD_CLASSES, join(dataDir, 'shd', 'shd_test.h5'));
});

/**
 * Smaller networks and more steps for the short run, where the pair trains: its recipe sized
 * for the fixture data. A rule or dataset without an entry trains its recipe for 2 epochs.
 */
const SHORT_RUN: Readonly<Record<string, readonly string[]>> = {
  'backprop/mnist': ['--set', 'hidden=[32]', '--batch-size', '20', '--epochs', '3'],
  'bptt/yinyang': ['--set', 'hidden=[32]', '--epochs', '2'],
  'bptt/mnist': ['--set', 'hidden=[32]', '--batch-size', '20', '--epochs', '3'],
  'bptt/shd': ['--set', 'hidden=[32]', '--set', 'dt=5', '--set', 'duration=500', '--batch-size', '6'],
  'eventprop/yinyang': ['--set', 'hidden=[32]', '--epochs', '2'],
  // The recipe's init leaves 32 hidden neurons silent on the fixture's 36 bright pixels.
  'eventprop/mnist': [
    '--set',
    'hidden=[32]',
    '--set',
    'init=[{"mean":0.2,"std":0.2},{"mean":0,"std":0.3}]',
    '--batch-size',
    '20',
    '--epochs',
    '3',
  ],
  'eventprop/shd': ['--set', 'hidden=[{"size":32,"recurrent":true}]', '--batch-size', '6'],
  'least-control/yinyang': ['--set', 'hidden=[32]', '--epochs', '1'],
  'forward-forward/mnist': ['--set', 'hidden=[100,100]', '--batch-size', '20', '--epochs', '3'],
  'least-control/mnist': ['--set', 'hidden=[32]', '--batch-size', '20', '--epochs', '3'],
  'btsp/mnist': ['--set', 'hidden=[64,64]', '--epochs', '3'],
  'btsp/yinyang': ['--epochs', '3'],
  // The recipe's 2312-100-2312 network takes minutes on a busy machine; 16 hidden units suffice here.
  'smooth-exact/mnist': ['--set', 'hidden=[32]', '--batch-size', '20', '--epochs', '3', '--lr', '0.01'],
  'spike-event/mnist-dvs': ['--set', 'hidden=[16]', '--batch-size', '10', '--epochs', '2'],
  'stdp/mnist': ['--set', 'hidden=20', '--epochs', '1'],
};
const SHD_EPOCHS = ['--epochs', '10', '--lr', '0.01'];
function shortRun(rule: string, dataset: string): readonly string[] {
  const family = dataset === 'fashion-mnist' ? 'mnist' : dataset;
  const args = SHORT_RUN[`${rule}/${family}`] ?? ['--epochs', '2'];
  return dataset === 'shd' ? [...args, ...SHD_EPOCHS] : args;
}

const common = (out: string) => [
  '--backend',
  'wasm',
  '--data-dir',
  dataDir,
  '--no-download',
  '--out',
  out,
  '-q',
];

describe('every rule x dataset pair the CLI accepts trains sensibly or refuses', () => {
  const rules = listRules().map((r) => r.name);
  const datasets = listDatasets();
  test('the matrix covers the built-in rules and data sets', () => {
    expect(rules).toEqual(
      expect.arrayContaining(['backprop', 'bptt', 'btsp', 'eventprop', 'forward-forward', 'least-control']),
    );
    expect(datasets.map((d) => d.name)).toEqual(
      expect.arrayContaining(['yinyang', 'mnist', 'shd', 'nmnist']),
    );
  });

  for (const rule of rules) {
    for (const { name: dataset } of datasets) {
      test(`${rule} on ${dataset}`, async () => {
        const dir = tempDir(`matrix-${rule}-${dataset}`);
        // The CLI's own decision, with nothing but the rule and the data set. It decides before
        // anything asynchronous happens; the abort right after stops a run it let through
        // before it trains (exit 130), so deciding to train costs nothing.
        const stop = new AbortController();
        const deciding = cli(['train', rule, '--dataset', dataset, ...common('decide')], {
          cwd: dir,
          signal: stop.signal,
        });
        setImmediate(() => stop.abort());
        const decision = await deciding;
        if (decision.code !== EXIT_INTERRUPTED) {
          // Refused: exit 2, one coded line naming the pair and the way forward.
          expect(decision.code).toBe(2);
          expect(decision.stdout).toBe('');
          const lines = decision.stderr.trimEnd().split('\n');
          expect(lines).toHaveLength(1);
          expect(lines[0]).toMatch(new RegExp(`^error \\[E_CONFIG\\]: rule "${rule}" `));
          expect(lines[0]).toContain(`"${dataset}"`);
          expect(lines[0]).toMatch(/--config FILE .* or --set key=value|cannot train on it; rules for/);
          return;
        }
        // Trains: a short run on fixture data ends well above chance.
        const run = await cli(
          ['train', rule, '--dataset', dataset, ...shortRun(rule, dataset), ...common('run'), '--json'],
          { cwd: dir },
        );
        if (run.code !== 0) throw new Error(`exit ${run.code}: ${run.stderr}`);
        const result = JSON.parse(run.stdout) as { test: { accuracy: number; loss: number } };
        expect(Number.isFinite(result.test.loss)).toBe(true);
        const classes = (
          JSON.parse(readFileSync(join(dir, 'run', 'config.json'), 'utf8')) as { task: { outputs: number } }
        ).task.outputs;
        expect(result.test.accuracy).toBeGreaterThanOrEqual(1 / classes + 0.3);
      });
    }
  }
});
