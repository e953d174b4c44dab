import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@plasticity/core-tensors';
import { encodeIdx, encodeNmnist, encodeNpyRecords, writeNpy } from '@plasticity/datasets';
import { cli, onlyJson, tempDir } from './harness.test-util.js';

interface TrainJson {
  dataset: string;
  test?: { accuracy: number; count: number };
  epochs: number;
}
interface EvalJson {
  accuracy: number;
  loss: number;
  count: number;
}

/** Three well separated 2-D blobs: a problem any working classifier solves. */
function blobs(size: number, seed: number): { x: Float64Array; y: Int32Array } {
  const rng = createRng(seed);
  const centers = [
    [0, 0],
    [4, 0],
    [0, 4],
  ];
  const x = new Float64Array(size * 2);
  const y = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    y[i] = i % 3;
    x[2 * i] = centers[y[i]][0] + (rng.uniform() * 2 - 1);
    x[2 * i + 1] = centers[y[i]][1] + (rng.uniform() * 2 - 1);
  }
  return { x, y };
}

function writeCsv(
  path: string,
  header: string,
  rows: number,
  width: number,
  value: (i: number) => number,
): void {
  const lines = [header];
  for (let r = 0; r < rows; r++)
    lines.push(Array.from({ length: width }, (_, c) => value(r * width + c)).join(','));
  writeFileSync(path, `${lines.join('\n')}\n`);
}

describe('train on your own files', () => {
  const dir = tempDir('userdata');
  // No --epochs or other settings: the defaults must work out of the box.
  const common = ['--backend', 'cpu', '--json', '-q'];

  beforeAll(async () => {
    const train = blobs(300, 1);
    const test = blobs(150, 2);
    await writeNpy(join(dir, 'train-x.npy'), { data: train.x, shape: [300, 2] });
    await writeNpy(join(dir, 'train-y.npy'), { data: train.y, shape: [300], dtype: 'int64' });
    await writeNpy(join(dir, 'test-x.npy'), { data: test.x, shape: [150, 2] });
    await writeNpy(join(dir, 'test-y.npy'), { data: test.y, shape: [150] });
    writeCsv(join(dir, 'train-x.csv'), 'a,b', 300, 2, (i) => train.x[i]);
    writeCsv(join(dir, 'train-y.csv'), 'label', 300, 1, (i) => train.y[i]);
    writeCsv(join(dir, 'test-x.csv'), 'a,b', 150, 2, (i) => test.x[i]);
    writeCsv(join(dir, 'test-y.csv'), 'label', 150, 1, (i) => test.y[i]);
  });

  test('backprop trains well above chance on .npy and on .csv files; the run records them', async () => {
    for (const ext of ['npy', 'csv']) {
      const run = await cli(
        [
          'train',
          'backprop',
          '--train',
          `train-x.${ext}`,
          '--train-labels',
          `train-y.${ext}`,
          '--test',
          `test-x.${ext}`,
          '--test-labels',
          `test-y.${ext}`,
          '--out',
          `run-${ext}`,
          ...common,
        ],
        { cwd: dir },
      );
      expect(run.stderr).toBe('');
      const result = onlyJson<TrainJson>(run);
      expect(result.dataset).toBe('files');
      expect(result.test?.count).toBe(150);
      expect(result.test?.accuracy).toBeGreaterThan(0.9); // chance is 1/3
      const config = JSON.parse(readFileSync(join(dir, `run-${ext}`, 'config.json'), 'utf8'));
      expect(config).toMatchObject({
        dataset: 'files',
        task: { input: { kind: 'dense', shape: [2] }, outputs: 3 },
        preprocess: {
          kind: 'identity',
          raw: { dtype: ext === 'npy' ? 'float64' : 'float32', bounds: 'observed' },
        },
        files: {
          classes: 3,
          splits: {
            train: {
              inputs: { path: join(dir, `train-x.${ext}`), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
            },
          },
        },
      });
    }
  });

  test('eval --dataset files and eval --inputs score a files run; a changed file is refused', async () => {
    const trained = JSON.parse(readFileSync(join(dir, 'run-npy', 'result.json'), 'utf8')) as TrainJson;
    const before = tf.memory().numTensors;
    const recorded = await cli(
      ['eval', '--run', 'run-npy', '--dataset', 'files', '--backend', 'cpu', '--json'],
      { cwd: dir },
    );
    expect(recorded.stderr).toBe('');
    expect(onlyJson<EvalJson>(recorded).accuracy).toBe(trained.test?.accuracy);
    const csv = await cli(
      [
        'eval',
        '--run',
        'run-npy',
        '--inputs',
        'test-x.csv',
        '--labels',
        'test-y.csv',
        '--backend',
        'cpu',
        '--json',
      ],
      { cwd: dir },
    );
    expect(onlyJson<EvalJson>(csv).accuracy).toBe(trained.test?.accuracy);
    expect(tf.memory().numTensors).toBe(before);

    mkdirSync(join(dir, 'moved'));
    const copy = join(dir, 'moved', 'train-y.npy');
    writeFileSync(copy, readFileSync(join(dir, 'train-y.npy')));
    await cli(
      [
        'train',
        'backprop',
        '--train',
        'train-x.npy',
        '--train-labels',
        copy,
        '--out',
        'run-changed',
        ...common,
      ],
      { cwd: dir },
    );
    await writeNpy(copy, { data: new Int32Array(300).fill(1), shape: [300] });
    const changed = await cli(['eval', '--run', 'run-changed', '--dataset', 'files', '--backend', 'cpu'], {
      cwd: dir,
    });
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(
      /^error \[E_DATA_FORMAT\]: .*moved\/train-y\.npy changed since the run recorded it/,
    );
  });

  test('an interrupted files run resumes from the files it recorded', async () => {
    const controller = new AbortController();
    const args = [
      'train',
      'backprop',
      '--train',
      'train-x.npy',
      '--train-labels',
      'train-y.npy',
      '--epochs',
      '2',
      '--backend',
      'cpu',
      '--out',
      'run-resume',
    ];
    const stopped = await cli(args, {
      cwd: dir,
      signal: controller.signal,
      onStderr: (chunk) => {
        if (chunk.startsWith('epoch 1/2')) controller.abort();
      },
    });
    expect(stopped.code).toBe(130);
    const again = await cli(['train', '--resume', '--out', 'run-resume', '--train', 'train-x.npy'], {
      cwd: dir,
    });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error \[E_USAGE\]: --resume reads the files recorded .*drop --train\n$/);
    const resumed = await cli(['train', '--resume', '--out', 'run-resume', '--json'], { cwd: dir });
    expect(resumed.stderr).toContain('resuming at epoch 2/2');
    expect(onlyJson<TrainJson>(resumed)).toMatchObject({ dataset: 'files', epochs: 2 });
  });

  test('bad files and flags are refused before training, with a coded one-line error', async () => {
    writeCsv(join(dir, 'nan.csv'), 'a,b', 3, 2, (i) => (i === 3 ? NaN : i));
    const cases: [string[], number, RegExp][] = [
      [
        ['--train', 'nan.csv', '--train-labels', 'train-y.csv'],
        1,
        /^error \[E_DATA_FORMAT\]: .*nan\.csv: line 3, column 2 \('b'\): NaN/,
      ],
      [
        ['--train', 'train-x.npy', '--train-labels', 'test-y.npy'],
        1,
        /^error \[E_SHAPE\]: .*train-x\.npy has 300 rows but .*test-y\.npy has 150 labels/,
      ],
      [['--train', 'train-x.npy'], 2, /^error \[E_USAGE\]: --train and --train-labels go together/],
      [
        ['--train', 'train-x.npy', '--train-labels', 'train-y.npy', '--dataset', 'yinyang'],
        2,
        /^error \[E_USAGE\]: --dataset yinyang and --train, --train-labels both name training data/,
      ],
      [
        ['--train', 'train-x.npy', '--train-labels', 'train-y.npy', '--classes', '2'],
        1,
        /^error \[E_DATA_FORMAT\]: .*train-y\.npy: label 2 at row 2 is not one of the 2 classes/,
      ],
      [
        ['--train', 'train-x.txt', '--train-labels', 'train-y.npy'],
        2,
        /^error \[E_USAGE\]: .*train-x\.txt: no such file/,
      ],
    ];
    for (const [flags, code, message] of cases) {
      const run = await cli(['train', 'backprop', ...flags, '--out', 'bad', '--backend', 'cpu'], {
        cwd: dir,
      });
      expect({ flags, code: run.code }).toEqual({ flags, code });
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });
});

describe('eval --inputs checks what the run was trained on', () => {
  // A tiny MNIST stand-in whose classes differ by which rows are bright, so a run learns it.
  const dataDir = tempDir('mnist-range');
  const dir = tempDir('mnist-eval');
  const image = (i: number, label: number): Uint8Array =>
    Uint8Array.from({ length: 784 }, (_, p) =>
      Math.floor(p / 28 / 3) === label ? 200 + ((i * 7 + p) % 50) : (i * 13 + p) % 40,
    );
  const images = (count: number, offset: number): Uint8Array => {
    const out = new Uint8Array(count * 784);
    for (let i = 0; i < count; i++) out.set(image(i + offset, (i + offset) % 9), i * 784);
    return out;
  };
  const labels = (count: number, offset: number): Uint8Array =>
    Uint8Array.from({ length: count }, (_, i) => (i + offset) % 9);

  beforeAll(async () => {
    mkdirSync(join(dataDir, 'mnist'));
    writeFileSync(join(dataDir, 'mnist', 'train-images-idx3-ubyte'), encodeIdx([90, 28, 28], images(90, 0)));
    writeFileSync(join(dataDir, 'mnist', 'train-labels-idx1-ubyte'), encodeIdx([90], labels(90, 0)));
    writeFileSync(
      join(dataDir, 'mnist', 't10k-images-idx3-ubyte'),
      encodeIdx([45, 28, 28], images(45, 1000)),
    );
    writeFileSync(join(dataDir, 'mnist', 't10k-labels-idx1-ubyte'), encodeIdx([45], labels(45, 1000)));
    const pixels = images(45, 1000);
    await writeNpy(join(dir, 'x-uint8.npy'), { data: pixels, shape: [45, 28, 28] });
    await writeNpy(join(dir, 'x-scaled.npy'), {
      data: Float32Array.from(pixels, (v) => v / 255),
      shape: [45, 28, 28],
    });
    await writeNpy(join(dir, 'y.npy'), { data: Int32Array.from(labels(45, 1000)), shape: [45] });
    writeFileSync(join(dir, 'small.json'), JSON.stringify({ config: { hidden: [16] } }));
    const run = await cli(
      [
        'train',
        'backprop',
        '--dataset',
        'mnist',
        '--data-dir',
        dataDir,
        '--no-download',
        '-c',
        'small.json',
        '--batch-size',
        '10',
        '--epochs',
        '3',
        '--out',
        'run',
        '--backend',
        'cpu',
        '--json',
        '-q',
      ],
      { cwd: dir },
    );
    expect(run.stderr).toBe('');
  });

  const evalInputs = (inputs: string, ...flags: string[]) =>
    cli(
      [
        'eval',
        '--run',
        'run',
        '--inputs',
        inputs,
        '--labels',
        'y.npy',
        '--backend',
        'cpu',
        '--json',
        ...flags,
      ],
      { cwd: dir },
    );

  test('pixels already scaled to [0, 1] are refused, saying what the run expects', async () => {
    const bytes = onlyJson<EvalJson>(await evalInputs('x-uint8.npy'));
    expect(bytes.accuracy).toBeGreaterThan(0.8);
    const scaled = await evalInputs('x-scaled.npy');
    expect(scaled.code).toBe(1);
    expect(scaled.stdout).toBe('');
    expect(scaled.stderr).toBe(
      `error [E_DATA_FORMAT]: the run was trained on mnist pixels as uint8 in [0, 255]; ${join(dir, 'x-scaled.npy')} holds float32 in [0, 0.9765]. ` +
        'Save them as uint8 [0, 255], or declare their range; pass --input-range LO..HI to map the values you have onto it (e.g. --input-range 0..1 for pixels already divided by 255)\n',
    );
  });

  test('--input-range 0..1 converts them and scores like the uint8 file', async () => {
    const bytes = onlyJson<EvalJson>(await evalInputs('x-uint8.npy'));
    const converted = onlyJson<EvalJson>(await evalInputs('x-scaled.npy', '--input-range', '0..1'));
    expect(converted.accuracy).toBe(bytes.accuracy);
    expect(converted.loss).toBeCloseTo(bytes.loss, 5);
    const bad = await evalInputs('x-scaled.npy', '--input-range', '1..0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error \[E_USAGE\]: --input-range must be LO\.\.HI with LO < HI/);
  });

  test('--data-dir pointing at the mnist/ folder itself is refused, naming the parent to pass', async () => {
    const run = await cli(
      [
        'eval',
        '--run',
        'run',
        '--dataset',
        'mnist',
        '--data-dir',
        join(dataDir, 'mnist'),
        '--backend',
        'cpu',
      ],
      { cwd: dir },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^error \[E_USAGE\]: the data dir .* holds mnist files itself .*; pass its parent, /,
    );
    expect(run.stderr).toContain(`pass its parent, ${dataDir}\n`);
  });
});

describe('train and eval on your own event files', () => {
  const dir = tempDir('userdata-events');
  /** Class c fires its five channels (5c … 5c + 4) once each in 20 ms, plus two noise events. */
  function writeEvents(name: string, size: number, seed: number): Promise<void> {
    const rng = createRng(seed);
    const [sample, t, channel] = [[], [], []] as number[][];
    for (let i = 0; i < size; i++) {
      for (let k = 0; k < 7; k++) {
        sample.push(i);
        t.push(rng.uniform() * 20);
        channel.push(k < 5 ? (i % 2) * 5 + k : rng.int(10));
      }
    }
    writeFileSync(
      join(dir, `${name}-x.npy`),
      encodeNpyRecords([
        { name: 'sample', type: 'i4', values: sample },
        { name: 't', type: 'f4', values: t },
        { name: 'channel', type: 'i2', values: channel },
      ]),
    );
    return writeNpy(join(dir, `${name}-y.npy`), {
      data: Int32Array.from({ length: size }, (_, i) => i % 2),
      shape: [size],
    });
  }

  beforeAll(async () => {
    await writeEvents('train', 200, 1);
    await writeEvents('test', 100, 2);
    await writeNpy(join(dir, 'dense.npy'), { data: new Float32Array(100 * 10), shape: [100, 10] });
  });

  test('eventprop trains well above chance on a structured .npy of events, out of the box', async () => {
    const run = await cli(
      [
        'train',
        'eventprop',
        '--train',
        'train-x.npy',
        '--train-labels',
        'train-y.npy',
        '--test',
        'test-x.npy',
        '--test-labels',
        'test-y.npy',
        '--out',
        'run',
        '--backend',
        'cpu',
        '--json',
        '-q',
      ],
      { cwd: dir },
    );
    expect(run.stderr).toBe('');
    const result = onlyJson<TrainJson>(run);
    expect(result.test?.accuracy).toBeGreaterThan(0.8); // chance is 1/2
    const config = JSON.parse(readFileSync(join(dir, 'run', 'config.json'), 'utf8'));
    expect(config.task.input).toEqual({ kind: 'events', channels: 10, duration: 20 });
    expect(config.files.events).toEqual({ layout: { kind: 'channel' }, channels: 10, duration: 20 });

    const viaInputs = await cli(
      [
        'eval',
        '--run',
        'run',
        '--inputs',
        'test-x.npy',
        '--labels',
        'test-y.npy',
        '--backend',
        'cpu',
        '--json',
      ],
      { cwd: dir },
    );
    expect(onlyJson<EvalJson>(viaInputs).accuracy).toBe(result.test?.accuracy);
    const dense = await cli(
      ['eval', '--run', 'run', '--inputs', 'dense.npy', '--labels', 'test-y.npy', '--backend', 'cpu'],
      { cwd: dir },
    );
    expect(dense.code).toBe(1);
    expect(dense.stderr).toMatch(
      /^error \[E_DATA_FORMAT\]: the run was trained on event inputs; .*dense\.npy holds dense features: give a structured \.npy of events/,
    );
  });

  test('a folder of N-MNIST-format recordings, one subfolder per class, trains and evaluates', async () => {
    for (let i = 0; i < 6; i++) {
      mkdirSync(join(dir, 'bins', String(i % 2)), { recursive: true });
      const x = Uint8Array.of(2 + i, 3 + i);
      writeFileSync(
        join(dir, 'bins', String(i % 2), `s${i}.bin`),
        encodeNmnist({
          x,
          y: Uint8Array.of(5, 5),
          polarity: Uint8Array.of(1, 0),
          timestamps: Float64Array.of(1000, 2000),
        }),
      );
    }
    const run = await cli(
      [
        'train',
        'eventprop',
        '--train',
        'bins',
        '--test',
        'bins',
        '--epochs',
        '1',
        '--out',
        'run-bins',
        '--backend',
        'cpu',
        '--json',
        '-q',
      ],
      { cwd: dir },
    );
    expect(run.stderr).toBe('');
    expect(onlyJson<TrainJson>(run).test?.count).toBe(6);
    const config = JSON.parse(readFileSync(join(dir, 'run-bins', 'config.json'), 'utf8'));
    expect(config.task.input).toEqual({ kind: 'events', channels: 2312, duration: 350 });
    expect(config.files.splits.train.inputs.path).toBe(join(dir, 'bins'));
    const evaluated = await cli(
      ['eval', '--run', 'run-bins', '--dataset', 'files', '--backend', 'cpu', '--json'],
      { cwd: dir },
    );
    expect(onlyJson<EvalJson>(evaluated).count).toBe(6);
  });
});

test("docs/cli.md's 'Your own data' commands run as written (on the cpu backend)", async () => {
  const doc = readFileSync(
    join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'docs', 'cli.md'),
    'utf8',
  );
  const section = doc.slice(doc.indexOf('## Your own data'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1];
  const dir = tempDir('docs-own-data');
  const lines = block.split('\n').filter((line) => line.trim() !== '');
  expect(lines.filter((line) => line.startsWith('npx plasticity '))).toHaveLength(3);
  for (const line of lines) {
    if (line.startsWith('printf ')) {
      execSync(line, { cwd: dir, shell: '/bin/sh' });
      continue;
    }
    expect(line).toMatch(/^npx plasticity /);
    const run = await cli([...line.replace(/^npx plasticity /, '').split(/\s+/), '--backend', 'cpu'], {
      cwd: dir,
    });
    expect({
      line,
      code: run.code,
      stderr: run.stderr.split('\n').filter((l) => l.startsWith('error')),
    }).toEqual({ line, code: 0, stderr: [] });
    if (line.includes(' eval ')) expect(run.stdout).toMatch(/^accuracy 100\.00% \(6\/6\)/);
  }
});

test("a missing data file exits with the status docs/cli.md's exit-status table gives it", async () => {
  const doc = readFileSync(
    join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'docs', 'cli.md'),
    'utf8',
  );
  const row = doc.split('\n').find((line) => /^\| \d+ /.test(line) && line.includes('missing data file'));
  const documented = Number(/^\| (\d+) /.exec(row ?? '')?.[1]);
  const empty = tempDir('no-data');
  const run = await cli([
    'train',
    'backprop',
    '--dataset',
    'mnist',
    '--data-dir',
    empty,
    '--no-download',
    '--out',
    join(empty, 'r'),
    '--backend',
    'cpu',
  ]);
  expect(run.stderr).toMatch(/^error \[E_USAGE\]: mnist file .* not found in .* and download is disabled/);
  expect(run.code).toBe(documented);
});
