import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isPlasticityError } from '@plasticity/core-tensors';
import { serveFiles } from '../testing/http-server.js';
import {
  MNIST_GZ_NAMES,
  SHARED_MNIST_DIR,
  hasRealMnist,
  realMnistFiles,
  tinyMnist,
} from '../testing/mnist-fixture.js';
import { tempDir } from '../testing/temp-dir.js';
import type { MnistProgress } from './mnist.js';
import { loadMnist } from './mnist.js';

const tiny = tinyMnist();
let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(() => dir.remove());

async function writeFolder(name: string, files: Record<string, Uint8Array>): Promise<string> {
  const dataDir = join(dir.path, name);
  await mkdir(join(dataDir, 'mnist'), { recursive: true });
  for (const [file, bytes] of Object.entries(files)) await writeFile(join(dataDir, 'mnist', file), bytes);
  return dataDir;
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: Error) => e,
  );
}

const histogram = (labels: Uint8Array): number[] => {
  const counts = new Array(10).fill(0);
  labels.forEach((l) => counts[l]++);
  return counts;
};

describe('loadMnist from a local folder', () => {
  test('reads the gzipped standard files from <dataDir>/mnist/', async () => {
    const dataDir = await writeFolder('gz', tiny.files);
    const data = await loadMnist({ dataDir, download: false });
    expect([data.train.count, data.train.rows, data.train.cols, data.test.count]).toEqual([12, 28, 28, 5]);
    expect(data.train.images).toEqual(tiny.trainImages);
    expect(data.train.labels).toEqual(tiny.trainLabels);
    expect(data.test.images).toEqual(tiny.testImages);
    expect(data.test.labels).toEqual(tiny.testLabels);
  });

  test('accepts uncompressed files under both common names', async () => {
    const raw: Record<string, Uint8Array> = {};
    MNIST_GZ_NAMES.forEach((name, i) => {
      const plain = name.replace(/\.gz$/, '');
      raw[i % 2 === 0 ? plain : plain.replace(/-idx(\d)-ubyte$/, '.idx$1-ubyte')] = gunzipSync(
        tiny.files[name],
      );
    });
    const data = await loadMnist({ dataDir: await writeFolder('raw', raw), download: false });
    expect(data.test.labels).toEqual(tiny.testLabels);
  });

  test('the real MNIST (when the team copy is present) or the tiny set: counts and label histograms', async () => {
    if (hasRealMnist()) {
      const data = await loadMnist({ dataDir: join(SHARED_MNIST_DIR, '..'), download: false });
      expect([data.train.count, data.test.count, data.train.rows, data.train.cols]).toEqual([
        60000, 10000, 28, 28,
      ]);
      expect(histogram(data.train.labels)).toEqual([
        5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949,
      ]);
      expect(histogram(data.test.labels)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    } else {
      const data = await loadMnist({ dataDir: await writeFolder('hist', tiny.files), download: false });
      expect(histogram(data.train.labels)).toEqual(histogram(tiny.trainLabels));
    }
  });

  test('missing files with download disabled → E_USAGE naming the folder and the names tried', async () => {
    const error = await errorOf(loadMnist({ dataDir: join(dir.path, 'empty'), download: false }));
    expect(isPlasticityError(error, 'E_USAGE')).toBe(true);
    expect(error.message).toContain(join(dir.path, 'empty', 'mnist'));
    expect(error.message).toContain('train-images-idx3-ubyte.gz');
    expect(error.message).toContain('train-images.idx3-ubyte');
  });

  test('a data dir that is the mnist/ folder itself is refused naming the parent, and nothing is created', async () => {
    const mnistFolder = join(await writeFolder('nested', tiny.files), 'mnist');
    for (const download of [true, false]) {
      const error = await errorOf(
        loadMnist({ dataDir: mnistFolder, download, baseUrl: 'http://127.0.0.1:9/' }),
      );
      expect(isPlasticityError(error, 'E_USAGE')).toBe(true);
      expect(error.message).toBe(
        `the data dir ${mnistFolder} holds mnist files itself (train-images-idx3-ubyte.gz), but data sets are read from <data dir>/mnist/; pass its parent, ${join(dir.path, 'nested')}`,
      );
    }
    expect((await readdir(mnistFolder)).sort()).toEqual([...MNIST_GZ_NAMES].sort());
  });

  test('a truncated gzip file is E_DATA_FORMAT naming it', async () => {
    const files = { ...tiny.files };
    const name = MNIST_GZ_NAMES[2];
    files[name] = files[name].subarray(0, files[name].length - 12);
    const dataDir = await writeFolder('trunc', files);
    const error = await errorOf(loadMnist({ dataDir, download: false }));
    expect(isPlasticityError(error, 'E_DATA_FORMAT')).toBe(true);
    expect(error.message).toContain(join(dataDir, 'mnist', name));
    expect(error.message).toContain('truncated gzip');
    // With downloads on, the file is not silently replaced; the message says how to recover.
    await expect(loadMnist({ dataDir })).rejects.toThrow(
      /truncated gzip.*delete it to download a fresh copy/,
    );
  });

  test('image/label count mismatch and swapped files are E_DATA_FORMAT', async () => {
    const other = tinyMnist(12, 6);
    const mismatch = await writeFolder('mismatch', {
      ...tiny.files,
      [MNIST_GZ_NAMES[3]]: other.files[MNIST_GZ_NAMES[3]],
    });
    await expect(loadMnist({ dataDir: mismatch, download: false })).rejects.toThrow(
      /has 6 labels but .* has 5 images/,
    );
    const swapped = await writeFolder('swapped', {
      ...tiny.files,
      [MNIST_GZ_NAMES[0]]: tiny.files[MNIST_GZ_NAMES[1]],
    });
    await expect(loadMnist({ dataDir: swapped, download: false })).rejects.toThrow(
      /wrong magic number 0x00000801/,
    );
  });
});

describe('loadMnist download (local HTTP server, no network)', () => {
  const real = hasRealMnist();
  // The real files with the built-in canonical md5s when present; else the tiny set with its md5s.
  const files = real ? realMnistFiles() : tiny.files;
  const md5 = real ? undefined : tiny.md5;

  test('downloads into <dataDir>/mnist/ with md5 check, then loads from the cache without requests', async () => {
    const server = await serveFiles(files);
    try {
      const dataDir = join(dir.path, 'cache');
      const progress: MnistProgress[] = [];
      const data = await loadMnist({
        dataDir,
        baseUrl: server.baseUrl,
        md5,
        onProgress: (p) => progress.push(p),
      });
      expect(data.train.count).toBe(real ? 60000 : 12);
      expect((await readdir(join(dataDir, 'mnist'))).sort()).toEqual([...MNIST_GZ_NAMES].sort());
      expect(server.requests.sort()).toEqual([...MNIST_GZ_NAMES].sort());
      expect(progress.filter((p) => p.done).map((p) => p.file)).toEqual([...MNIST_GZ_NAMES]);
      const again = await loadMnist({ dataDir, baseUrl: server.baseUrl, md5 });
      expect(again.test.labels).toEqual(data.test.labels);
      expect(server.requests.length).toBe(4);
    } finally {
      await server.close();
    }
  });

  test('a corrupted file on the server → E_CHECKSUM and no file of it in the cache', async () => {
    const name = MNIST_GZ_NAMES[1];
    const corrupted = Uint8Array.from(files[name]);
    corrupted[corrupted.length >> 1] ^= 0xff;
    const server = await serveFiles({ ...files, [name]: corrupted });
    try {
      const dataDir = join(dir.path, 'corrupt');
      const error = await errorOf(loadMnist({ dataDir, baseUrl: server.baseUrl, md5 }));
      expect(isPlasticityError(error, 'E_CHECKSUM')).toBe(true);
      expect(error.message).toContain(name);
      expect(await readdir(join(dataDir, 'mnist'))).toEqual([MNIST_GZ_NAMES[0]]);
    } finally {
      await server.close();
    }
  });

  test('mirrors are tried in order: a 404 on the first, success on the second', async () => {
    const empty = await serveFiles({});
    const good = await serveFiles(tiny.files);
    try {
      const dataDir = join(dir.path, 'mirrors');
      const data = await loadMnist({ dataDir, baseUrl: [empty.baseUrl, good.baseUrl], md5: tiny.md5 });
      expect(data.train.labels).toEqual(tiny.trainLabels);
      expect(empty.requests.length).toBe(4);
    } finally {
      await empty.close();
      await good.close();
    }
  });
});
