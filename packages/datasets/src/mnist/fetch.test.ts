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

describe('fetchMnist: what a reader with a wrong URL sees', () => {
  test('an HTML page served instead of a file (a host answering every path with its index) is E_DATA_FORMAT saying so', async () => {
    const page = new TextEncoder().encode('<!DOCTYPE html><html><body>docs</body></html>');
    const fetchPage: typeof fetch = async () => new Response(page, { status: 200 });
    const error = await errorOf(fetchMnist({ baseUrl: 'https://example.test/docs/', fetch: fetchPage }));
    expect(isPlasticityError(error, 'E_DATA_FORMAT')).toBe(true);
    expect((error as Error).message).toBe(
      'could not get train-images-idx3-ubyte.gz: https://example.test/docs/train-images-idx3-ubyte.gz is an HTML page, not an IDX file: the base URL is probably wrong (the server answered a missing file with a page)',
    );
  });

  test('an unreachable server is E_DOWNLOAD naming the URL and the likely causes', async () => {
    const refused: typeof fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    const error = await errorOf(fetchMnist({ baseUrl: 'https://nowhere.test/mnist', fetch: refused }));
    expect(isPlasticityError(error, 'E_DOWNLOAD')).toBe(true);
    expect((error as Error).message).toMatch(
      /^could not get train-images-idx3-ubyte\.gz: fetch of https:\/\/nowhere\.test\/mnist\/train-images-idx3-ubyte\.gz failed: Failed to fetch \(is the server up, and does it allow cross-origin requests/,
    );
  });

  test('a relative base URL outside a page is E_USAGE saying what to give', async () => {
    const error = await errorOf(fetchMnist({ baseUrl: 'data/mnist' }));
    expect(isPlasticityError(error, 'E_USAGE')).toBe(true);
    expect((error as Error).message).toBe(
      "baseUrl 'data/mnist' is not a URL (a relative one needs a page to resolve against: give http(s)://host/path/)",
    );
  });

  test('an aborted fetch rejects with the abort, not a download error', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stopped by the reader'));
    const error = await errorOf(fetchMnist({ baseUrl: server.baseUrl, signal: controller.signal }));
    expect(isPlasticityError(error)).toBe(false);
  });
});

describe('limit: the first samples only', () => {
  test('fetchMnist keeps the first train/test samples, byte for byte, after fetching the whole files', async () => {
    const data = await fetchMnist({ baseUrl: server.baseUrl, limit: { train: 4, test: 2 } });
    expect([data.train.count, data.test.count]).toEqual([4, 2]);
    expect(data.train.images).toEqual(tiny.trainImages.subarray(0, 4 * 784));
    expect(data.train.labels).toEqual(tiny.trainLabels.subarray(0, 4));
    expect(data.test.labels).toEqual(tiny.testLabels.subarray(0, 2));
    // A limit above the file's count keeps all it has.
    const all = await fetchMnist({ baseUrl: server.baseUrl, limit: { train: 1000 } });
    expect([all.train.count, all.test.count]).toEqual([12, 5]);
  });

  test('loadDataset applies it before scaling and carves validation from the kept samples', async () => {
    const data = await loadDataset('mnist', {
      baseUrl: server.baseUrl,
      limit: { train: 10, test: 3 },
      validation: 2,
    });
    expect([data.train.size, data.validation?.size, data.test.size]).toEqual([8, 2, 3]);
    expect(Array.from(data.test.labels)).toEqual(Array.from(tiny.testLabels.subarray(0, 3)));
    expect(data.test.features[784 * 3 - 1]).toBeCloseTo(tiny.testImages[784 * 3 - 1] / 255, 6);
  });

  test('a bad count is E_CONFIG naming the field; other data sets refuse the option', async () => {
    for (const limit of [{ train: 0 }, { test: 2.5 }, { train: -1 }]) {
      const error = await errorOf(loadDataset('mnist', { baseUrl: server.baseUrl, limit }));
      expect(isPlasticityError(error, 'E_CONFIG')).toBe(true);
      expect((error as Error).message).toMatch(/^limit\.(train|test) must be a whole number of samples ≥ 1/);
    }
    const error = await errorOf(loadDataset('yinyang', { limit: { train: 10 } }));
    expect((error as Error).message).toBe(
      "the 'limit' option applies to the MNIST family (mnist, fashion-mnist, mnist-dvs), not to 'yinyang'",
    );
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
