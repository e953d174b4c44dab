import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { decodeIdx, encodeIdx, readIdx } from '@plasticity/datasets/node';
import {
  SHARED_MNIST_DIR,
  findMnist,
  sourceFolders,
  writeSubset,
} from '../../../../docs/scripts/mnist-subset.js';
import type { MnistRole } from '../../../../docs/scripts/mnist-subset.js';

// docs/scripts/mnist-subset.js: the MNIST subset the site's live examples load by default.
const run = promisify(execFile);
const repo = join(import.meta.dirname, '..', '..', '..', '..');
const script = join(repo, 'docs', 'scripts', 'mnist-subset.js');
const NAMES: Record<MnistRole, string> = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
};
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

let tmp: string;
let source: string;
const sums = {} as Record<MnistRole, string>;
// A small MNIST-shaped source: 30 train and 9 test images of 28×28 with labels 0..9.
const pixels = (n: number, salt: number) =>
  Uint8Array.from({ length: n * 784 }, (_, i) => (i * 7 + salt) % 256);
const labels = (n: number, salt: number) => Uint8Array.from({ length: n }, (_, i) => (i * 3 + salt) % 10);
const tiny = {
  trainImages: pixels(30, 1),
  trainLabels: labels(30, 2),
  testImages: pixels(9, 5),
  testLabels: labels(9, 4),
};

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'mnist-subset-'));
  source = join(tmp, 'source');
  mkdirSync(source);
  for (const role of Object.keys(NAMES) as MnistRole[]) {
    const data = tiny[role];
    const dims = role.endsWith('Images') ? [data.length / 784, 28, 28] : [data.length];
    const bytes = gzipSync(encodeIdx(dims, data));
    writeFileSync(join(source, NAMES[role]), bytes);
    sums[role] = md5(bytes);
  }
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('writeSubset', () => {
  test('writes gzipped IDX of the first samples: counts, pixels and labels equal to the source’s', async () => {
    const out = join(tmp, 'out');
    const found = await findMnist([join(tmp, 'nowhere'), source], sums);
    expect(found.files).toBeDefined();
    const manifest = await writeSubset(found.files!, out, { train: 20, test: 4 });
    expect([manifest.train, manifest.test]).toEqual([20, 4]);
    expect(readdirSync(out).sort()).toEqual([...Object.values(NAMES), 'subset.json'].sort());
    const read = async (role: MnistRole, kind: 'images' | 'labels') => {
      const bytes = readFileSync(join(out, NAMES[role]));
      expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]); // gzip
      return decodeIdx(bytes, NAMES[role], kind);
    };
    const trainImages = await read('trainImages', 'images');
    expect(trainImages.dims).toEqual([20, 28, 28]);
    expect(trainImages.data).toEqual(tiny.trainImages.subarray(0, 20 * 784));
    expect((await read('trainLabels', 'labels')).data).toEqual(tiny.trainLabels.subarray(0, 20));
    expect((await read('testImages', 'images')).dims).toEqual([4, 28, 28]);
    expect((await read('testLabels', 'labels')).data).toEqual(tiny.testLabels.subarray(0, 4));
    expect(JSON.parse(readFileSync(join(out, 'subset.json'), 'utf8'))).toEqual(manifest);
  });

  test('a source with fewer samples than asked keeps all it has', async () => {
    const found = await findMnist([source], sums);
    const manifest = await writeSubset(found.files!, join(tmp, 'all'), { train: 1000, test: 1000 });
    expect([manifest.train, manifest.test]).toEqual([30, 9]);
  });
});

describe('sourceFolders', () => {
  const saved = { dataDir: process.env.PLASTICITY_DATA_DIR, noShared: process.env.PLASTICITY_TEST_NO_SHARED };
  afterAll(() => {
    for (const [name, value] of [
      ['PLASTICITY_DATA_DIR', saved.dataDir],
      ['PLASTICITY_TEST_NO_SHARED', saved.noShared],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  test('looks in the CLI’s data dir first, then in the shared data beside the checkout', () => {
    expect(SHARED_MNIST_DIR).toBe(join(repo, '..', 'shared', 'data', 'mnist'));
    process.env.PLASTICITY_DATA_DIR = join(tmp, 'data');
    delete process.env.PLASTICITY_TEST_NO_SHARED;
    expect(sourceFolders()).toEqual([join(tmp, 'data', 'mnist'), SHARED_MNIST_DIR]);
    process.env.PLASTICITY_TEST_NO_SHARED = '1';
    expect(sourceFolders()).toEqual([join(tmp, 'data', 'mnist')]);
  });
});

describe('findMnist', () => {
  test('says why each folder does not do: a missing file, or one that is not the published file', async () => {
    const found = await findMnist([join(tmp, 'nowhere'), source]);
    expect(found.files).toBeUndefined();
    expect((found as { reasons: string[] }).reasons).toEqual([
      `${join(tmp, 'nowhere', NAMES.trainImages)} is missing`,
      `${join(source, NAMES.trainImages)} has md5 ${sums.trainImages}, not MNIST's f68b3c2dcbeaaa9fbdd348bbdeb94873`,
    ]);
  });
});

describe('the script, as the site build runs it', () => {
  const env = (dataDir: string) => ({
    ...process.env,
    PLASTICITY_DATA_DIR: dataDir,
    PLASTICITY_TEST_NO_SHARED: '1',
  });

  test('without the real files: says so, writes nothing and succeeds (the build goes on); --require fails', async () => {
    const out = join(tmp, 'absent');
    const { stderr } = await run(process.execPath, [script, '--out', out], { env: env(join(tmp, 'empty')) });
    expect(stderr).toMatch(
      /^mnist-subset: no MNIST files here, so the site has no built-in MNIST subset; the MNIST examples will fetch from a public mirror instead\. \(.*empty\/mnist\/train-images-idx3-ubyte\.gz is missing\.\) To build it, put the four \.gz files in \$PLASTICITY_DATA_DIR\/mnist\//,
    );
    expect(existsSync(out)).toBe(false);
    const failed = await run(process.execPath, [script, '--out', out, '--require'], {
      env: env(join(tmp, 'empty')),
    }).catch((error: { code: number; stderr: string }) => error);
    expect((failed as { code: number }).code).toBe(1);
  }, 30_000);

  test('a bad option is an error naming it', async () => {
    const failed = await run(process.execPath, [script, '--train', 'many'], { env: env(tmp) }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed).toMatchObject({
      code: 1,
      stderr: 'mnist-subset: --train needs a whole number ≥ 1, got many\n',
    });
  }, 30_000);

  // With the real files (the team's shared copy, or a data dir holding them) the default run is
  // checked against them; on a fresh clone this runs the absent path above again, as CI would.
  const real =
    existsSync(join(SHARED_MNIST_DIR, NAMES.trainLabels)) && process.env.PLASTICITY_TEST_NO_SHARED !== '1';
  test(`with the real files (${real ? 'present here' : 'absent here'}): the default 2,000 + 500 subset`, async () => {
    const out = join(tmp, 'real');
    const dataDir = real ? join(SHARED_MNIST_DIR, '..') : join(tmp, 'empty');
    const { stdout } = await run(process.execPath, [script, '--out', out], { env: env(dataDir) });
    if (!real) {
      expect(existsSync(out)).toBe(false);
      return;
    }
    expect(stdout).toMatch(/^mnist-subset: 2000 train \+ 500 test samples from .* \(\d+ KiB gzipped\)\n$/);
    const labels = await readIdx(join(out, NAMES.trainLabels), 'labels');
    const source = await readIdx(join(SHARED_MNIST_DIR, NAMES.trainLabels), 'labels');
    expect(labels.data).toEqual(source.data.subarray(0, 2000));
    const test = await readIdx(join(out, NAMES.testImages), 'images');
    expect(test.dims).toEqual([500, 28, 28]);
  }, 60_000);
});
