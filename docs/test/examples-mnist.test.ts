// The MNIST live examples (least-control, Forward-Forward) in a real browser: the built site
// served as any static host would, each page trained on wasm with its default epochs, run on
// WebGPU (SwiftShader) briefly, and fed a wrong MNIST URL. The data is the subset the site build
// cut from the real files when it is there (docs/scripts/mnist-subset.js), else MNIST-format
// files made here from a learnable synthetic set, served from another origin with CORS, which
// the pages' URL field is pointed at. Speed is measured and printed, never asserted.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { encodeIdx } from 'plasticity/node';
import { launchChromium, serveStatic } from '../../tools/browser-test/browser-test.js';
import type { StaticServer } from '../../tools/browser-test/browser-test.js';
import {
  SCREENSHOTS,
  SITE,
  loaded,
  openPage,
  resultValue,
  waitForEnd,
  saveMeasured,
} from './live-example.js';
import type { Measured } from './live-example.js';

const HAS_SUBSET = existsSync(join(SITE, 'mnist-subset', 'subset.json'));

// Chance is 10 %. On the real subset (2,000 train / 500 test, seed 0) least-control reaches
// ~89 % in 5 epochs and Forward-Forward ~80 % in 3 (measured in chromium and in Node); 0.6
// leaves room for a backend's rounding while a broken rule or a scrambled file stays near 0.1.
// The synthetic set (one bright bar per class in noise) is easier: both rules reach 100 % on
// it, so the same 0.6 holds there too.
const MIN_ACCURACY = 0.6;

// Budgets ~20 % above what the pages loaded when measured (docs/examples/index.md), gzip:
// JS 374 KiB and wasm 134 KiB on the wasm path, JS 417 KiB on the WebGPU path, for both pages
// (prefetched pages, CSS, fonts and the MNIST files not counted).
const BUDGET_KIB = {
  'least-control-mnist': { js: 450, wasm: 161, webgpuJs: 500 },
  'forward-forward-mnist': { js: 450, wasm: 161, webgpuJs: 500 },
} as const;

interface MnistPage {
  readonly id: 'least-control-mnist' | 'forward-forward-mnist';
  /** The page's default epochs (its `:epochs`). */
  readonly epochs: number;
  /** Fewest points each chart must have received after the default run. */
  readonly charts: Readonly<Record<string, number>>;
}

const LEAST_CONTROL: MnistPage = {
  id: 'least-control-mnist',
  epochs: 5,
  charts: { accuracy: 5, control: 5 },
};
const FORWARD_FORWARD: MnistPage = {
  id: 'forward-forward-mnist',
  epochs: 3,
  charts: { accuracy: 3, goodness: 3 },
};

const RUN_TIMEOUT_MS = 150_000;
const SUBSET_MANIFEST = '/mnist-subset/subset.json';

const measured: (Measured & { data: string })[] = [];

let server: StaticServer;
let dataServer: StaticServer;
/** The same files from a server that sends no CORS header. */
let noCorsServer: StaticServer;
let dataDir: string;
let wasmBrowser: Browser;
let gpuBrowser: Browser;
/** The MNIST URL the runs use: '' for the page's default (the site's subset). */
let mnistUrl = '';

/**
 * A learnable MNIST stand-in: class k lights a 2-pixel-high bar in rows 6 + 2k (the top rows
 * stay blank, as Forward-Forward writes the label there) over uniform noise, seeded.
 */
function syntheticMnist(train: number, test: number): Record<string, Uint8Array> {
  let state = 12345;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const split = (count: number) => {
    const images = new Uint8Array(count * 784);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const label = Math.floor(random() * 10);
      labels[i] = label;
      for (let p = 0; p < 784; p++) {
        const row = Math.floor(p / 28);
        const col = p % 28;
        const bar = row >= 6 + 2 * label && row < 8 + 2 * label && col >= 4 && col < 24;
        images[i * 784 + p] = row < 2 ? 0 : bar ? 200 + Math.floor(random() * 55) : Math.floor(random() * 90);
      }
    }
    return { images, labels };
  };
  const files: Record<string, Uint8Array> = {};
  for (const [prefix, count] of [
    ['train', train],
    ['t10k', test],
  ] as const) {
    const { images, labels } = split(count);
    files[`${prefix}-images-idx3-ubyte.gz`] = gzipSync(encodeIdx([count, 28, 28], images));
    files[`${prefix}-labels-idx1-ubyte.gz`] = gzipSync(encodeIdx([count], labels));
  }
  return files;
}

/**
 * What went wrong in the page, less the one 404 a site without the subset causes by design:
 * the page asks for the subset's manifest to choose its default URL.
 */
function unexpected(errors: readonly string[], requests: StaticServer['requests'], first: number): string[] {
  // (collectErrors leaves out the favicon's 404 already.)
  const missing = requests
    .slice(first)
    .filter((request) => request.status === 404 && request.path !== '/favicon.ico');
  const expected404 = missing.length > 0 && missing.every((request) => request.path === SUBSET_MANIFEST);
  return errors.filter((error) => !(expected404 && /status of 404/.test(error)));
}

function pageUrl(id: string, params: Record<string, string | number>): string {
  const all = { ...params, ...(mnistUrl ? { mnistUrl } : {}) };
  const query = new URLSearchParams(Object.entries(all).map(([k, v]) => [k, String(v)]));
  return `${server.url}/examples/${id}.html?${query}`;
}

async function checkCharts(page: Page, charts: Readonly<Record<string, number>>) {
  for (const [chart, fewest] of Object.entries(charts)) {
    const points = Number(await page.getAttribute(`[data-testid=chart-${chart}]`, 'data-points'));
    expect({ chart, points: points >= fewest }).toEqual({ chart, points: true });
  }
}

/** Waits until the page has settled its MNIST URL (the note appears with the default). */
async function ready(page: Page) {
  await page.waitForSelector('[data-testid=input-note-mnistUrl]');
}

beforeAll(async () => {
  if (!existsSync(join(SITE, 'examples', `${LEAST_CONTROL.id}.html`))) {
    throw new Error(`no built site at ${SITE}: run \`npm run docs\` first`);
  }
  server = await serveStatic(SITE);
  // Another origin, as a reader's own server would be: the page reads it through CORS.
  // junk/ holds an HTML page under each MNIST file name, as many static hosts answer.
  dataDir = mkdtempSync(join(tmpdir(), 'mnist-pages-'));
  mkdirSync(join(dataDir, 'junk'));
  for (const name of Object.keys(syntheticMnist(1, 1))) {
    writeFileSync(join(dataDir, 'junk', name), '<!doctype html><html><body>not found</body></html>');
  }
  if (!HAS_SUBSET) {
    mkdirSync(join(dataDir, 'synthetic'));
    for (const [name, bytes] of Object.entries(syntheticMnist(2000, 500))) {
      writeFileSync(join(dataDir, 'synthetic', name), bytes);
    }
  }
  dataServer = await serveStatic(dataDir, { headers: { 'access-control-allow-origin': '*' } });
  noCorsServer = await serveStatic(dataDir);
  if (!HAS_SUBSET) mnistUrl = `${dataServer.url}/synthetic/`;
  [wasmBrowser, gpuBrowser] = await Promise.all([launchChromium(), launchChromium({ webgpu: true })]);
});

afterAll(async () => {
  await Promise.all([
    wasmBrowser?.close(),
    gpuBrowser?.close(),
    server?.close(),
    dataServer?.close(),
    noCorsServer?.close(),
  ]);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  saveMeasured(
    'measured-mnist.json',
    measured,
    `MNIST pages, data: ${HAS_SUBSET ? 'site subset' : 'synthetic'}
`,
  );
});

describe.each([LEAST_CONTROL, FORWARD_FORWARD])('$id on wasm, default epochs', (example) => {
  it('trains far above chance on MNIST, plots, loads no WebGPU code, stays in its bundle budget', async () => {
    const run = await openPage(wasmBrowser, server, pageUrl(example.id, { backend: 'wasm', autorun: 1 }));
    const { page, errors } = run;
    try {
      expect(await waitForEnd(page, RUN_TIMEOUT_MS)).toMatch(/^done: /);
      const seconds = (Date.now() - run.started) / 1000;
      expect(await page.textContent('[data-testid=backend]')).toBe('running on wasm');
      expect(await page.inputValue('[data-testid=input-mnistUrl]')).toBe(mnistUrl || '/mnist-subset/');
      expect(await page.textContent('[data-testid=input-note-mnistUrl]')).toMatch(
        HAS_SUBSET
          ? /^This site's MNIST subset: the first 2000 training and 500 test images/
          : /without its MNIST subset/,
      );
      const accuracy = await resultValue(page, 'result-test-accuracy');
      expect(accuracy).toBeGreaterThan(MIN_ACCURACY);
      await checkCharts(page, example.charts);
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, `${example.id}-wasm.png`), fullPage: true });
      expect(unexpected(errors, server.requests, run.firstRequest)).toEqual([]);

      const requested = server.requests.slice(run.firstRequest).map((request) => request.path);
      if (HAS_SUBSET) expect(requested).toContain('/mnist-subset/train-images-idx3-ubyte.gz');
      expect(requested.filter((path) => path.endsWith('.wasm'))).toEqual([
        '/wasm/tfjs-backend-wasm-simd.wasm',
      ]);
      const { gzipKiB } = loaded(requested, example.id);
      measured.push({
        page: example.id,
        backend: 'wasm',
        data: HAS_SUBSET ? 'subset' : 'synthetic',
        epochs: example.epochs,
        seconds,
        results: {
          'test-accuracy': accuracy,
          's-per-epoch': await resultValue(page, 'result-s-per-epoch'),
        },
        gzipKiB,
      });
      expect(gzipKiB.js).toBeLessThanOrEqual(BUDGET_KIB[example.id].js);
      expect(gzipKiB.wasm).toBeLessThanOrEqual(BUDGET_KIB[example.id].wasm);
    } finally {
      await run.close();
    }
  });
});

describe('on WebGPU (SwiftShader)', () => {
  // SwiftShader is a CPU: Forward-Forward's 1000-wide layers take minutes per epoch there, so
  // least-control trains one epoch on a smaller cut (the code edited as a reader would), and
  // Forward-Forward is started on webgpu and stopped once it has trained a few steps.
  it('least-control trains an epoch far above chance on webgpu and loads no wasm', async () => {
    const run = await openPage(
      gpuBrowser,
      server,
      pageUrl(LEAST_CONTROL.id, { backend: 'webgpu', epochs: 1 }),
    );
    const { page, errors } = run;
    try {
      await ready(page);
      const code = await page.inputValue('[data-testid=code]');
      expect(code).toContain('limit: { train: 2000, test: 500 }');
      await page.fill(
        '[data-testid=code]',
        code.replace('limit: { train: 2000, test: 500 }', 'limit: { train: 1000, test: 300 }'),
      );
      await page.click('[data-testid=run]');
      expect(await waitForEnd(page, RUN_TIMEOUT_MS)).toMatch(/^done: /);
      expect(await page.textContent('[data-testid=backend]')).toBe('running on webgpu');
      const accuracy = await resultValue(page, 'result-test-accuracy');
      expect(accuracy).toBeGreaterThan(MIN_ACCURACY);
      await checkCharts(page, { accuracy: 1, control: 1 });
      await page.screenshot({ path: join(SCREENSHOTS, `${LEAST_CONTROL.id}-webgpu.png`), fullPage: true });
      expect(unexpected(errors, server.requests, run.firstRequest)).toEqual([]);
      const requested = server.requests.slice(run.firstRequest).map((request) => request.path);
      expect(requested.filter((path) => path.endsWith('.wasm'))).toEqual([]);
      const { gzipKiB } = loaded(requested, LEAST_CONTROL.id);
      expect(gzipKiB.js).toBeLessThanOrEqual(BUDGET_KIB[LEAST_CONTROL.id].webgpuJs);
      measured.push({
        page: LEAST_CONTROL.id,
        backend: 'webgpu',
        data: `${HAS_SUBSET ? 'subset' : 'synthetic'}, 1000/300`,
        epochs: 1,
        seconds: (Date.now() - run.started) / 1000,
        results: {
          'test-accuracy': accuracy,
          's-per-epoch': await resultValue(page, 'result-s-per-epoch'),
        },
        gzipKiB,
      });
    } finally {
      await run.close();
    }
  });

  it('forward-forward starts training on webgpu, and Stop stops it', async () => {
    const run = await openPage(
      gpuBrowser,
      server,
      pageUrl(FORWARD_FORWARD.id, { backend: 'webgpu', epochs: 1, autorun: 1 }),
    );
    const { page, errors } = run;
    try {
      await page.waitForFunction(
        () => Number(document.querySelector<HTMLElement>('[data-testid=progress]')?.dataset.percent) >= 1,
        undefined,
        { timeout: RUN_TIMEOUT_MS },
      );
      expect(await page.textContent('[data-testid=backend]')).toBe('running on webgpu');
      const trainedPercent = Number(await page.getAttribute('[data-testid=progress]', 'data-percent'));
      await page.click('[data-testid=stop]');
      expect(await page.getAttribute('[data-testid=status]', 'data-state')).toBe('stopped');
      expect(await page.isEnabled('[data-testid=run]')).toBe(true);
      await page.screenshot({
        path: join(SCREENSHOTS, `${FORWARD_FORWARD.id}-webgpu-stopped.png`),
        fullPage: true,
      });
      expect(unexpected(errors, server.requests, run.firstRequest)).toEqual([]);
      const seconds = (Date.now() - run.started) / 1000;
      measured.push({
        page: FORWARD_FORWARD.id,
        backend: 'webgpu',
        data: HAS_SUBSET ? 'subset' : 'synthetic',
        epochs: 1,
        seconds,
        // Includes the page load and the data: an upper bound of the epoch's time.
        results: {
          'percent-trained': trainedPercent,
          's-per-epoch-extrapolated': Math.round((seconds * 100) / trainedPercent),
        },
      });
    } finally {
      await run.close();
    }
  });
});

describe('the MNIST URL field', () => {
  it('a wrong URL shows its error in the status line, and the page then trains from a right one', async () => {
    const run = await openPage(
      wasmBrowser,
      server,
      pageUrl(LEAST_CONTROL.id, { backend: 'wasm', epochs: 1 }),
    );
    const { page } = run;
    try {
      await ready(page);
      const right = await page.inputValue('[data-testid=input-mnistUrl]');
      // A folder this site does not have: the static server answers 404.
      await page.fill('[data-testid=input-mnistUrl]', '/no-such-mnist/');
      await page.click('[data-testid=run]');
      expect(await waitForEnd(page, 60_000)).toBe(
        `error: error: could not get train-images-idx3-ubyte.gz: fetch of ${server.url}/no-such-mnist/train-images-idx3-ubyte.gz failed: HTTP 404 Not Found`,
      );
      expect(await page.isEnabled('[data-testid=run]')).toBe(true);
      // Files that are not IDX but an HTML page, as a static host answers unknown paths.
      await page.fill('[data-testid=input-mnistUrl]', `${dataServer.url}/junk/`);
      await page.click('[data-testid=run]');
      expect(await waitForEnd(page, 60_000)).toMatch(
        `error: error: could not get train-images-idx3-ubyte.gz: ${dataServer.url}/junk/train-images-idx3-ubyte.gz is an HTML page, not an IDX file: the base URL is probably wrong`,
      );
      // A server that does not allow this page to read its files.
      await page.fill('[data-testid=input-mnistUrl]', `${noCorsServer.url}/junk/`);
      await page.click('[data-testid=run]');
      expect(await waitForEnd(page, 60_000)).toMatch(
        /^error: error: could not get train-images-idx3-ubyte\.gz: fetch of .* failed: Failed to fetch \(is the server up, and does it allow cross-origin requests/,
      );
      await page.screenshot({ path: join(SCREENSHOTS, `${LEAST_CONTROL.id}-wrong-url.png`), fullPage: true });

      await page.fill('[data-testid=input-mnistUrl]', right);
      await page.click('[data-testid=run]');
      expect(await waitForEnd(page, RUN_TIMEOUT_MS)).toMatch(/^done: /);
      expect(await resultValue(page, 'result-test-accuracy')).toBeGreaterThan(MIN_ACCURACY);
    } finally {
      await run.close();
    }
  });
});
