import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { gunzipSync } from 'node:zlib';
import { isPlasticityError } from '@plasticity/core-tensors';
import { loadDataset } from '../registry/fetch-sources.js';
import { serveFiles } from '../testing/http-server.js';
import type { TestServer } from '../testing/http-server.js';
import { tinyMnist } from '../testing/mnist-fixture.js';
import { useCpuBackend } from '../testing/tf-backend.js';
import { fetchMnist } from './fetch.js';
import type { MnistProgress } from './mnist.js';

const tiny = tinyMnist();
let server: TestServer;
beforeAll(async () => {
  await useCpuBackend();
  server = await serveFiles(tiny.files);
});
afterAll(() => server.close());

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('fetchMnist (the environment-neutral loader)', () => {
  test('fetches the four gzipped files and parses them in memory', async () => {
    const progress: MnistProgress[] = [];
    const data = await fetchMnist({ baseUrl: server.baseUrl, onProgress: (p) => progress.push(p) });
    expect([data.train.count, data.test.count]).toEqual([12, 5]);
    expect(data.train.images).toEqual(tiny.trainImages);
    expect(data.train.labels).toEqual(tiny.trainLabels);
    expect(data.test.images).toEqual(tiny.testImages);
    expect(data.test.labels).toEqual(tiny.testLabels);
    expect(progress.map((p) => p.file)).toEqual([
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ]);
  });

  test('reads raw (not gzipped) IDX too, through an injected fetch', async () => {
    const fetchRaw: typeof fetch = async (input) => {
      const name = String(input).split('/').pop()!;
      return new Response(gunzipSync(tiny.files[name]));
    };
    const data = await fetchMnist({ baseUrl: 'https://example.test/mnist/', fetch: fetchRaw });
    expect(data.test.labels).toEqual(tiny.testLabels);
  });

  test('falls back to the next mirror, and names every failure when none serves the file', async () => {
    const empty = await serveFiles({});
    try {
      const data = await fetchMnist({ baseUrl: [empty.baseUrl, server.baseUrl] });
      expect(data.train.count).toBe(12);
      const error = await errorOf(fetchMnist({ baseUrl: [empty.baseUrl] }));
      expect(isPlasticityError(error, 'E_DOWNLOAD')).toBe(true);
      expect((error as Error).message).toMatch(/train-images-idx3-ubyte\.gz.*HTTP 404/);
    } finally {
      await empty.close();
    }
  });

  test('a corrupt file is E_DATA_FORMAT naming its URL', async () => {
    const bad = {
      ...tiny.files,
      't10k-labels-idx1-ubyte.gz': tiny.files['t10k-labels-idx1-ubyte.gz'].subarray(0, 20),
    };
    const badServer = await serveFiles(bad);
    try {
      const error = await errorOf(fetchMnist({ baseUrl: badServer.baseUrl }));
      expect(isPlasticityError(error, 'E_DATA_FORMAT')).toBe(true);
      expect((error as Error).message).toMatch(/t10k-labels-idx1-ubyte\.gz: truncated gzip data/);
    } finally {
      await badServer.close();
    }
  });
});

describe('loadDataset of the environment-neutral entry', () => {
  test('loads MNIST from baseUrl, scaled to [0, 1]', async () => {
    const data = await loadDataset('mnist', { baseUrl: server.baseUrl });
    expect(data.train.size).toBe(12);
    expect(data.task.input).toEqual({ kind: 'dense', shape: [784] });
  });

  test('SHD and N-MNIST need the Node entry: E_USAGE saying so', async () => {
    for (const name of ['shd', 'nmnist'] as const) {
      const error = await errorOf(loadDataset(name));
      expect(isPlasticityError(error, 'E_USAGE')).toBe(true);
      expect((error as Error).message).toMatch(/@plasticity\/datasets\/node/);
    }
  });
});
