import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { isEventBatch, isPlasticityError } from '@plasticity/core-tensors';
import { loadDataset } from '../registry/node-sources.js';
import { serveFiles } from '../testing/http-server.js';
import { md5 } from '../testing/mnist-fixture.js';
import { tempDir } from '../testing/temp-dir.js';
import { useCpuBackend } from '../testing/tf-backend.js';
import { readShdFile } from './shd-file.js';
import { loadShd, locateShdFile } from './shd.js';

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const miniBytes = new Uint8Array(readFileSync(fixture('shd-mini.h5')));

/**
 * What make-fixtures.py wrote, computed independently: sample i has 3 + 2i spikes at
 * (37k + 5i) / 1024 s on unit (97k + 13i) % 700; sample 2 has an extra spike tied with its
 * first on the unit below; sample 4 is empty. Returned in ms, ordered by time then unit.
 */
function expectedSample(i: number): [number, number][] {
  if (i === 4) return [];
  const events: [number, number][] = Array.from({ length: 3 + 2 * i }, (_, k) => [
    ((37 * k + 5 * i) / 1024) * 1000,
    (97 * k + 13 * i) % 700,
  ]);
  if (i === 2) events.push([events[0][0], events[0][1] - 1]);
  return events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

function sampleOf(file: Awaited<ReturnType<typeof readShdFile>>, b: number): [number, number][] {
  const { offsets, times, units } = file.events;
  return Array.from({ length: offsets[b + 1] - offsets[b] }, (_, k) => [
    times[offsets[b] + k],
    units[offsets[b] + k],
  ]);
}

let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  await useCpuBackend();
  dir = await tempDir();
});
afterAll(() => dir.remove());

describe('SHD HDF5 reader', () => {
  test('reads the published layout (float16 s → ms, uint16 units), ties ordered by unit', async () => {
    const file = await readShdFile(fixture('shd-mini.h5'));
    expect(file.events.size).toBe(6);
    expect([file.events.channels, file.events.duration, file.dropped]).toEqual([700, 1400, 0]);
    for (let i = 0; i < 6; i++) {
      // float16 holds these times exactly; ms then rounds once to float32.
      expect(sampleOf(file, i)).toEqual(expectedSample(i).map(([t, u]) => [Math.fround(t), u]));
    }
    expect(Array.from(file.labels)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(file.speakers!)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(file.keys).toEqual(Array.from({ length: 20 }, (_, n) => `word-${n}`));
  });

  test('other element types (float32 times, int32 units) read the same', async () => {
    const a = await readShdFile(fixture('shd-mini.h5'));
    const b = await readShdFile(fixture('shd-f32-i32.h5'));
    expect(Array.from(b.events.times)).toEqual(Array.from(a.events.times));
    expect(Array.from(b.events.units)).toEqual(Array.from(a.events.units));
  });

  test('a shorter window drops later spikes and counts them', async () => {
    const file = await readShdFile(fixture('shd-mini.h5'), { duration: 200 });
    const all = Array.from({ length: 6 }, (_, i) => expectedSample(i)).flat();
    expect(file.dropped).toBe(all.filter(([t]) => t >= 200).length);
    expect(file.dropped).toBeGreaterThan(0);
    expect(Math.max(...file.events.times)).toBeLessThan(200);
  });

  test.each([
    ['shd-bad-unit.h5', /spikes\/units\[1\]\[2\] = 700 is outside 0 … 699/],
    ['shd-length-mismatch.h5', /sample 3 has 9 spike times but 8 units/],
    ['shd-no-units.h5', /has no dataset \/spikes\/units/],
    ['make-fixtures.py', /not a readable HDF5 file \(file signature not found\)/],
  ])('%s is E_DATA_FORMAT naming the file and the problem', async (name, message) => {
    const error = await readShdFile(fixture(name)).catch((e: unknown) => e);
    expect(isPlasticityError(error, 'E_DATA_FORMAT')).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message.startsWith(fixture(name))).toBe(true);
  });

  test('truncated and damaged files are E_DATA_FORMAT, never a crash', async () => {
    const cuts = [0, 100, 1000, 4000, Math.floor(miniBytes.length / 2), miniBytes.length - 100];
    for (const cut of cuts) {
      const path = join(dir.path, `cut-${cut}.h5`);
      await writeFile(path, miniBytes.subarray(0, cut));
      const error = await readShdFile(path).catch((e: unknown) => e);
      expect(isPlasticityError(error, 'E_DATA_FORMAT')).toBe(true);
    }
    // Still works afterwards (the wasm heap survived).
    expect((await readShdFile(fixture('shd-mini.h5'))).events.size).toBe(6);
  });
});

describe('SHD download and cache', () => {
  const gz = gzipSync(miniBytes);
  const sums = { 'shd_train.h5.gz': md5(gz), 'shd_test.h5.gz': md5(gz) };

  test('downloads the .gz (md5-checked), inflates it atomically and reads both splits', async () => {
    const server = await serveFiles({ 'shd_train.h5.gz': gz, 'shd_test.h5.gz': gz });
    const dataDir = join(dir.path, 'download');
    try {
      const progress: string[] = [];
      const data = await loadShd({
        dataDir,
        baseUrl: server.baseUrl,
        md5: sums,
        onProgress: (p) => p.done && progress.push(p.file),
      });
      expect([data.train.events.size, data.test.events.size]).toEqual([6, 6]);
      expect(progress).toEqual(['shd_train.h5.gz', 'shd_test.h5.gz']);
      expect((await readdir(join(dataDir, 'shd'))).sort()).toEqual([
        'shd_test.h5',
        'shd_test.h5.gz',
        'shd_train.h5',
        'shd_train.h5.gz',
      ]);
      // Cached: a second load asks the server for nothing.
      const before = server.requests.length;
      await loadShd({ dataDir, baseUrl: server.baseUrl, md5: sums });
      expect(server.requests.length).toBe(before);
    } finally {
      await server.close();
    }
  });

  test('the published md5 is checked by default: other bytes are E_CHECKSUM and leave nothing', async () => {
    const server = await serveFiles({ 'shd_train.h5.gz': gz });
    const dataDir = join(dir.path, 'checksum');
    try {
      const error = await locateShdFile('train', { dataDir, baseUrl: server.baseUrl }).catch(
        (e: unknown) => e,
      );
      expect(isPlasticityError(error, 'E_CHECKSUM')).toBe(true);
      expect((error as Error).message).toMatch(/expected d47c9825dee33347913e8ce0f2be08b0/);
      expect(await readdir(join(dataDir, 'shd'))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test('a truncated .gz in the cache is E_DATA_FORMAT and leaves no partial .h5', async () => {
    const folder = join(dir.path, 'badgz', 'shd');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'shd_train.h5.gz'), gz.subarray(0, gz.length >> 1));
    const error = await locateShdFile('train', { dataDir: join(dir.path, 'badgz') }).catch((e: unknown) => e);
    expect(isPlasticityError(error, 'E_DATA_FORMAT')).toBe(true);
    expect((error as Error).message).toMatch(/truncated gzip data/);
    expect(await readdir(folder)).toEqual(['shd_train.h5.gz']);
  });

  test('download: false with nothing there is E_USAGE naming the paths', async () => {
    const error = await locateShdFile('test', { dataDir: join(dir.path, 'none'), download: false }).catch(
      (e: unknown) => e,
    );
    expect(isPlasticityError(error, 'E_USAGE')).toBe(true);
    expect((error as Error).message).toMatch(/shd_test\.h5, .*shd_test\.h5\.gz/);
  });
});

describe("loadDataset('shd')", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = join(dir.path, 'registry');
    await mkdir(join(dataDir, 'shd'), { recursive: true });
    await writeFile(join(dataDir, 'shd', 'shd_train.h5'), miniBytes);
    await writeFile(join(dataDir, 'shd', 'shd_test.h5'), miniBytes);
  });

  test('events format: EventBatch inputs, task input kind events', async () => {
    const ds = await loadDataset('shd', { dataDir, download: false });
    expect(ds.task).toEqual({
      input: { kind: 'events', channels: 700, duration: 1400 },
      outputs: 20,
      kind: 'classification',
    });
    expect(ds.classNames[3]).toBe('word-3');
    for await (const { x, y, size } of ds.test.batches({ batchSize: 4 })) {
      expect(isEventBatch(x)).toBe(true);
      expect(size).toBe(4);
      expect(Array.from(await y.data())).toEqual([0, 1, 2, 3]);
      break;
    }
  });

  test('binned format: [T, B, 700] tensors on the dt grid; validation carve', async () => {
    const ds = await loadDataset('shd', { dataDir, download: false, format: 'binned', dt: 2, validation: 2 });
    expect(ds.task.input).toEqual({ kind: 'spikes', steps: 700, channels: 700, dt: 2 });
    expect([ds.train.size, ds.validation?.size]).toEqual([4, 2]);
    const before = tf.memory().numTensors;
    for await (const { x } of ds.test.batches({ batchSize: 6 })) {
      const dense = x as tf.Tensor;
      expect(dense.shape).toEqual([700, 6, 700]);
      // Sample 1's first spike: 5/1024 s = 4.8828125 ms → step 2, unit 13.
      const cell = tf.slice(dense, [2, 1, 13], [1, 1, 1]);
      expect((await cell.data())[0]).toBe(1);
      cell.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    await expect(
      loadDataset('shd', { dataDir, download: false, format: 'dense' as 'events' }),
    ).rejects.toThrow(/format must be 'events' or 'binned'/);
  });
});
