import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, serveStatic } from '../../../../tools/browser-test/browser-test.js';
import type { StaticServer } from '../../../../tools/browser-test/browser-test.js';
import { tinyMnist } from '../testing/mnist-fixture.js';

// The environment-neutral loader in real chromium, as a docs page uses it: the browser entry
// bundled with esbuild, the IDX files on a static server, the base URL the reader typed.
const here = dirname(fileURLToPath(import.meta.url));
const tiny = tinyMnist();

/** What the page reports back: counts and labels, or the error the reader would see. */
type Outcome =
  | { ok: true; train: number; test: number; trainLabels: number[]; testLabels: number[]; pixel: number }
  | { ok: false; code: string; message: string };

const PAGE_SCRIPT = `
import { loadDataset } from ${JSON.stringify(join(here, '..', 'index.ts'))};
window.load = async (baseUrl, limit) => {
  try {
    const data = await loadDataset('mnist', { baseUrl, limit });
    return {
      ok: true,
      train: data.train.size,
      test: data.test.size,
      trainLabels: Array.from(data.train.labels),
      testLabels: Array.from(data.test.labels),
      pixel: data.test.features[100],
    };
  } catch (error) {
    return { ok: false, code: error.code, message: error.message };
  }
};
`;

let root: string;
let site: StaticServer;
let data: StaticServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'mnist-browser-'));
  const write = (path: string, bytes: Uint8Array | string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), bytes);
  };
  for (const [name, bytes] of Object.entries(tiny.files)) {
    write(`gz/${name}`, bytes);
    write(`plain/${name}`, gunzipSync(bytes));
    write(`text/${name}`, 'these are not the files you are looking for\n');
    write(`spa/${name}`, '<!doctype html><html><body>Page not found</body></html>');
  }
  const bundle = await build({
    stdin: { contents: PAGE_SCRIPT, resolveDir: here, sourcefile: 'page.ts', loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  write('page.js', bundle.outputFiles[0].contents);
  write('index.html', '<!doctype html><script type="module" src="./page.js"></script>');
  site = await serveStatic(root);
  // Another origin holding the files, as a mirror the reader points at would be.
  data = await serveStatic(root, { headers: { 'access-control-allow-origin': '*' } });
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`${site.url}/`);
  await page.waitForFunction(() => 'load' in globalThis);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await data?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

const load = (baseUrl: string, limit?: { train?: number; test?: number }): Promise<Outcome> =>
  page.evaluate(
    ([url, max]) =>
      (globalThis as unknown as { load: (u: string, l?: object) => Promise<Outcome> }).load(url, max),
    [baseUrl, limit] as const,
  );

describe('loadDataset("mnist") in chromium', () => {
  test.each(['gz', 'plain'])('reads %s IDX files from a base URL on the same site', async (folder) => {
    const outcome = await load(`${site.url}/${folder}/`);
    expect(outcome).toEqual({
      ok: true,
      train: 12,
      test: 5,
      trainLabels: expect.any(Array),
      testLabels: Array.from(tiny.testLabels),
      pixel: expect.closeTo(tiny.testImages[100] / 255, 6),
    });
    expect((outcome as { trainLabels: number[] }).trainLabels.sort()).toEqual(
      Array.from(tiny.trainLabels).sort(),
    );
  });

  test('a relative base URL resolves against the page, and limit keeps the first samples', async () => {
    const outcome = await load('gz', { train: 5, test: 2 });
    expect(outcome).toMatchObject({
      ok: true,
      train: 5,
      test: 2,
      testLabels: Array.from(tiny.testLabels.subarray(0, 2)),
    });
  });

  test('a site-absolute base URL resolves against the page too', async () => {
    expect(await load('/plain')).toMatchObject({ ok: true, train: 12, test: 5 });
  });

  test('another origin that allows cross-origin requests works', async () => {
    expect(await load(`${data.url}/gz`)).toMatchObject({ ok: true, train: 12, test: 5 });
  });

  test('what the reader sees: a folder without the files (404)', async () => {
    expect(await load(`${site.url}/nothing-here/`)).toEqual({
      ok: false,
      code: 'E_DOWNLOAD',
      message: `could not get train-images-idx3-ubyte.gz: fetch of ${site.url}/nothing-here/train-images-idx3-ubyte.gz failed: HTTP 404 Not Found`,
    });
  });

  test('what the reader sees: a server that is not there', async () => {
    const gone = await serveStatic(root);
    await gone.close();
    expect(await load(`${gone.url}/gz/`)).toEqual({
      ok: false,
      code: 'E_DOWNLOAD',
      message: `could not get train-images-idx3-ubyte.gz: fetch of ${gone.url}/gz/train-images-idx3-ubyte.gz failed: Failed to fetch (is the server up, and does it allow cross-origin requests if it is not this page's own?)`,
    });
  });

  test('what the reader sees: another origin without CORS headers', async () => {
    const closed = await serveStatic(root);
    try {
      const outcome = await load(`${closed.url}/gz/`);
      expect(outcome).toMatchObject({ ok: false, code: 'E_DOWNLOAD' });
      expect((outcome as { message: string }).message).toMatch(
        /Failed to fetch \(is the server up, and does it allow cross-origin requests/,
      );
    } finally {
      await closed.close();
    }
  });

  test('what the reader sees: files that are not IDX', async () => {
    expect(await load(`${site.url}/text/`)).toEqual({
      ok: false,
      code: 'E_DATA_FORMAT',
      message: `${site.url}/text/train-images-idx3-ubyte.gz: wrong magic number 0x74686573 for IDX images (expected 0x00000803)`,
    });
  });

  test('what the reader sees: an HTML page where the file should be', async () => {
    expect(await load(`${site.url}/spa/`)).toEqual({
      ok: false,
      code: 'E_DATA_FORMAT',
      message: `could not get train-images-idx3-ubyte.gz: ${site.url}/spa/train-images-idx3-ubyte.gz is an HTML page, not an IDX file: the base URL is probably wrong (the server answered a missing file with a page)`,
    });
  });
});
