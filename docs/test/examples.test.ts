// The live examples in a real browser: the built site (`npm run docs`) served as any static
// host would, each example page run with a small epoch count on wasm and, in a second
// chromium, on WebGPU (SwiftShader), plus Stop and the bundle each page downloads.
// Speed is measured and printed, never asserted.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, serveStatic } from '../../tools/browser-test/browser-test.js';
import type { StaticServer } from '../../tools/browser-test/browser-test.js';
import {
  loaded,
  numericResults,
  openExample as open,
  percent,
  resultValue,
  SCREENSHOTS,
  SITE,
  state,
  waitForEnd,
  WASM_MARKER,
  WEBGPU_MARKER,
  saveMeasured,
} from './live-example.js';
import type { Measured } from './live-example.js';

// Yin-Yang's chance level is 1/3. The runs are seeded (seed 0, the page's default): EventProp
// reaches 76.7 % after 1 epoch and 82.5 % after 2, BPTT 89.3 % after 1, in Node and in chromium
// alike; 0.6 leaves room for a backend's rounding without letting a broken run through.
const MIN_ACCURACY = 0.6;

// Budgets ~20 % above what the pages loaded when measured (docs/examples/index.md), gzip:
// JS 373 KiB and wasm 134 KiB on the wasm path, JS 415 KiB on the WebGPU path (other pages'
// prefetched chunks, CSS and fonts not counted).
const BUDGET_KIB = { js: 455, wasm: 161, webgpuJs: 505 };

interface ExamplePage {
  readonly id: string;
  readonly epochs: number;
  /** `result-*` test ids holding accuracies. */
  readonly accuracies: readonly string[];
  /** Fewest points each chart must have received. */
  readonly charts: Readonly<Record<string, number>>;
}

const EVENTPROP: ExamplePage = {
  id: 'eventprop-yinyang',
  epochs: 2,
  accuracies: ['result-test-accuracy'],
  charts: { accuracy: 2, raster: 20, voltages: 100 },
};
const COMPARE: ExamplePage = {
  id: 'bptt-vs-eventprop',
  epochs: 1,
  accuracies: ['result-eventprop-accuracy', 'result-bptt-accuracy'],
  charts: { accuracy: 1, time: 1 },
};

const RUN_TIMEOUT_MS = 150_000;

const measured: Measured[] = [];

let server: StaticServer;
let wasmBrowser: Browser;
let gpuBrowser: Browser;

function openExample(browser: Browser, example: ExamplePage, backend: string, epochs: number) {
  return open(browser, server, example.id, backend, epochs);
}

async function runExample(browser: Browser, example: ExamplePage, backend: 'wasm' | 'webgpu') {
  const run = await openExample(browser, example, backend, example.epochs);
  const { page, errors } = run;
  try {
    await waitForEnd(page, RUN_TIMEOUT_MS);
    const seconds = (Date.now() - run.started) / 1000;
    // The status text says what went wrong when the run failed.
    expect(`${await state(page)}: ${await page.textContent('[data-testid=status]')}`).toMatch(/^done: /);
    // What tf.getBackend() said in the worker.
    expect(await page.textContent('[data-testid=backend]')).toBe(`running on ${backend}`);
    for (const id of example.accuracies) {
      expect({ id, accuracy: await resultValue(page, id) }).toEqual({ id, accuracy: expect.any(Number) });
      expect(await resultValue(page, id)).toBeGreaterThan(MIN_ACCURACY);
    }
    for (const [chart, fewest] of Object.entries(example.charts)) {
      const points = Number(await page.getAttribute(`[data-testid=chart-${chart}]`, 'data-points'));
      expect({ chart, points: points >= fewest }).toEqual({ chart, points: true });
    }
    expect(await page.isEnabled('[data-testid=run]')).toBe(true);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `${example.id}-${backend}.png`), fullPage: true });
    expect(errors).toEqual([]);

    const results = await numericResults(page);
    const requested = run.requested();
    return { seconds, results, requested, ...loaded(requested, example.id) };
  } finally {
    await run.close();
  }
}

beforeAll(async () => {
  if (!existsSync(join(SITE, 'examples', `${EVENTPROP.id}.html`))) {
    throw new Error(`no built site at ${SITE}: run \`npm run docs\` first`);
  }
  server = await serveStatic(SITE);
  [wasmBrowser, gpuBrowser] = await Promise.all([launchChromium(), launchChromium({ webgpu: true })]);
});

afterAll(async () => {
  await Promise.all([wasmBrowser?.close(), gpuBrowser?.close(), server?.close()]);
  saveMeasured('measured.json', measured);
});

describe.each([EVENTPROP, COMPARE])('$id on wasm', (example) => {
  it('trains far above chance, plots, loads no WebGPU code, stays in its bundle budget', async () => {
    const run = await runExample(wasmBrowser, example, 'wasm');
    measured.push({
      page: example.id,
      backend: 'wasm',
      epochs: example.epochs,
      seconds: run.seconds,
      results: run.results,
      gzipKiB: run.gzipKiB,
    });
    expect(run.requested.filter((path) => path.endsWith('.wasm'))).toEqual([
      '/wasm/tfjs-backend-wasm-simd.wasm',
    ]);
    expect(run.js.filter((source) => source.includes(WEBGPU_MARKER))).toEqual([]);
    expect(run.gzipKiB.js).toBeLessThanOrEqual(BUDGET_KIB.js);
    expect(run.gzipKiB.wasm).toBeLessThanOrEqual(BUDGET_KIB.wasm);
  });
});

describe('eventprop-yinyang on WebGPU', () => {
  it('trains far above chance on webgpu (SwiftShader) and loads no wasm backend', async () => {
    const run = await runExample(gpuBrowser, EVENTPROP, 'webgpu');
    measured.push({
      page: EVENTPROP.id,
      backend: 'webgpu',
      epochs: EVENTPROP.epochs,
      seconds: run.seconds,
      results: run.results,
      gzipKiB: run.gzipKiB,
    });
    expect(run.requested.filter((path) => path.endsWith('.wasm'))).toEqual([]);
    expect(run.js.filter((source) => source.includes(WASM_MARKER))).toEqual([]);
    expect(run.gzipKiB.js).toBeLessThanOrEqual(BUDGET_KIB.webgpuJs);
  });
});

describe('bptt-vs-eventprop on WebGPU, stopped during BPTT', () => {
  // BPTT's ~60 dispatches per time step crawl on SwiftShader (minutes per epoch on 2 cores),
  // so this run trains EventProp's epoch, watches BPTT advance on webgpu, then presses Stop.
  it('trains EventProp far above chance, advances BPTT, and Stop stops the worker', async () => {
    const run = await openExample(gpuBrowser, COMPARE, 'webgpu', 1);
    const { page, errors } = run;
    try {
      await page.waitForSelector('[data-testid=result-eventprop-accuracy]', { timeout: RUN_TIMEOUT_MS });
      const bpttStart = Date.now();
      await page.waitForFunction(
        () => Number(document.querySelector<HTMLElement>('[data-testid=progress]')?.dataset.percent) >= 52,
        undefined,
        { timeout: RUN_TIMEOUT_MS },
      );
      expect(await page.textContent('[data-testid=backend]')).toBe('running on webgpu');
      expect(await resultValue(page, 'result-eventprop-accuracy')).toBeGreaterThan(MIN_ACCURACY);
      expect(await page.isEnabled('[data-testid=run]')).toBe(false);
      const bpttSeconds = (Date.now() - bpttStart) / 1000;
      const before = await percent(page);

      const [worker] = page.workers();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const closed = new Promise<boolean>((resolve) => {
        worker.once('close', () => resolve(true));
        timer = setTimeout(() => resolve(false), 10_000);
      }).finally(() => clearTimeout(timer));
      await page.click('[data-testid=stop]');
      expect(await state(page)).toBe('stopped');
      expect(await page.isEnabled('[data-testid=run]')).toBe(true);
      expect(await page.isEnabled('[data-testid=stop]')).toBe(false);
      // The worker is terminated (at the latest 2 s after Stop), and nothing moved meanwhile.
      expect(await closed).toBe(true);
      expect(page.workers()).toEqual([]);
      expect(await percent(page)).toBe(before);
      expect(await state(page)).toBe('stopped');
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, `${COMPARE.id}-webgpu-stopped.png`), fullPage: true });
      expect(errors).toEqual([]);
      measured.push({
        page: COMPARE.id,
        backend: 'webgpu',
        epochs: 1,
        seconds: (Date.now() - run.started) / 1000,
        results: {
          'eventprop-accuracy': await resultValue(page, 'result-eventprop-accuracy'),
          'eventprop-s-per-epoch': await resultValue(page, 'result-eventprop-s-per-epoch'),
          // Progress 50 % → `before` % took bpttSeconds: half the bar is BPTT's one epoch.
          'bptt-s-per-epoch-extrapolated': Math.round((bpttSeconds * 50) / Math.max(before - 50, 1)),
        },
      });
    } finally {
      await run.close();
    }
  });
});

describe('edited code', () => {
  it('runs what the reader typed and shows its error in the status line', async () => {
    const context = await wasmBrowser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/examples/${EVENTPROP.id}.html?backend=wasm`);
      await page.fill(
        '[data-testid=code]',
        "report({ backend: tf.getBackend() });\nthrow new Error('boom');",
      );
      await page.click('[data-testid=run]');
      await page.waitForSelector('[data-testid=status][data-state=error]', { timeout: 60_000 });
      expect(await page.textContent('[data-testid=status]')).toBe('error: boom');
      expect(await page.getAttribute('[data-testid=result-backend]', 'data-value')).toBe('wasm');
      expect(await page.isEnabled('[data-testid=run]')).toBe(true);
    } finally {
      await context.close();
    }
  });
});
