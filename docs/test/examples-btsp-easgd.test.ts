// The BTSP place-field and EASGD live examples in a real browser (the built site, served as a
// static host would, so without cross-origin isolation): each run on wasm, the BTSP page also on
// WebGPU (SwiftShader) for the backend label, and EASGD stopped mid-run with its nested training
// workers. Speed is measured and printed, never asserted.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, serveStatic } from '../../tools/browser-test/browser-test.js';
import type { StaticServer } from '../../tools/browser-test/browser-test.js';
import {
  chartPoints,
  loaded,
  numericResults,
  openExample,
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

// The rule-btsp README's figures for the default protocol (plateau at 120 cm, per-lap rule),
// deterministic in Node: lap 1 peaks at 9.15 mV; after lap 3 the peak is 7.99 mV, 13.3 cm before
// the plateau. The page runs the same float64 arithmetic, so only the README's rounding is allowed.
const BTSP = { lap1Mv: 9.15, lap3Mv: 7.99, lap3BeforeCm: 13.3, mvTolerance: 0.01, cmTolerance: 0.1 };
// Yin-Yang's chance is 1/3. The 4-120-3 MLP reaches ~90 % after 2 epochs alone (the recipe's
// 100 epochs: 99.3 %); 0.6 is far above chance and leaves room for the order in which two
// workers' steps meet the center, which the scheduler decides.
const MIN_ACCURACY = 0.6;
// ~20 % above what the pages loaded when measured (docs/examples/index.md), gzip KiB: BTSP
// JS 374 (wasm path) and 416 (WebGPU path), the runtime's alone; EASGD JS 603, the runtime's plus
// the training worker's bundle (it has its own copy of plasticity and tfjs-core) and the
// optimizers-easgd chunk; wasm 134, counted once though each of the 3 engines requests it.
const BUDGET_KIB = {
  btsp: { js: 455, wasm: 161, webgpuJs: 505 },
  easgd: { js: 725, wasm: 161 },
};
const RUN_TIMEOUT_MS = 120_000;

const measured: Measured[] = [];
let server: StaticServer;
let wasmBrowser: Browser;
let gpuBrowser: Browser;

/** The run ended `done` (the status text says what went wrong otherwise) on `backend`. */
async function expectDone(page: Page, backend: string) {
  expect(`${await state(page)}: ${await page.textContent('[data-testid=status]')}`).toMatch(/^done: /);
  expect(await page.textContent('[data-testid=backend]')).toBe(`running on ${backend}`);
  expect(await page.isEnabled('[data-testid=run]')).toBe(true);
}

async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Resolves true when every worker of the page has closed, false after `ms`. */
function allClosed(page: Page, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const deadline = Date.now() + ms;
    const check = () => {
      if (page.workers().length === 0) resolve(true);
      else if (Date.now() > deadline) resolve(false);
      else setTimeout(check, 100);
    };
    check();
  });
}

beforeAll(async () => {
  if (!existsSync(join(SITE, 'examples', 'btsp-place-field.html'))) {
    throw new Error(`no built site at ${SITE}: run \`npm run docs\` first`);
  }
  server = await serveStatic(SITE);
  [wasmBrowser, gpuBrowser] = await Promise.all([launchChromium(), launchChromium({ webgpu: true })]);
});

afterAll(async () => {
  await Promise.all([wasmBrowser?.close(), gpuBrowser?.close(), server?.close()]);
  saveMeasured('measured-btsp-easgd.json', measured);
});

describe.each(['wasm', 'webgpu'] as const)('btsp-place-field on %s', (backend) => {
  it("forms the field in lap 1 and reproduces the README's peak after 3 laps", async () => {
    const run = await openExample(
      backend === 'wasm' ? wasmBrowser : gpuBrowser,
      server,
      'btsp-place-field',
      backend,
      3,
    );
    const { page, errors } = run;
    try {
      await waitForEnd(page, RUN_TIMEOUT_MS);
      const seconds = (Date.now() - run.started) / 1000;
      await expectDone(page, backend);
      const lap1 = await resultValue(page, 'result-lap-1-peak-mv');
      expect(Math.abs(lap1 - BTSP.lap1Mv)).toBeLessThanOrEqual(BTSP.mvTolerance);
      expect(Math.abs((await resultValue(page, 'result-lap-3-peak-mv')) - BTSP.lap3Mv)).toBeLessThanOrEqual(
        BTSP.mvTolerance,
      );
      const before = await resultValue(page, 'result-lap-3-peak-before-plateau-cm');
      expect(Math.abs(before - BTSP.lap3BeforeCm)).toBeLessThanOrEqual(BTSP.cmTolerance);
      // Ramp and weights: 187 positions and 200 inputs; the peak chart one point per lap.
      expect(await chartPoints(page, 'ramp')).toBe(187);
      expect(await chartPoints(page, 'weights')).toBe(200);
      expect(await chartPoints(page, 'peak')).toBe(3);
      await screenshot(page, `btsp-place-field-${backend}`);
      expect(errors).toEqual([]);
      const requested = run.requested();
      const { gzipKiB, js } = loaded(requested, 'btsp-place-field');
      measured.push({
        page: 'btsp-place-field',
        backend,
        epochs: 3,
        seconds,
        results: await numericResults(page),
        gzipKiB,
      });
      if (backend === 'wasm') {
        expect(js.filter((source) => source.includes(WEBGPU_MARKER))).toEqual([]);
        expect(gzipKiB.js).toBeLessThanOrEqual(BUDGET_KIB.btsp.js);
        expect(gzipKiB.wasm).toBeLessThanOrEqual(BUDGET_KIB.btsp.wasm);
      } else {
        expect(requested.filter((path) => path.endsWith('.wasm'))).toEqual([]);
        expect(js.filter((source) => source.includes(WASM_MARKER))).toEqual([]);
        expect(gzipKiB.js).toBeLessThanOrEqual(BUDGET_KIB.btsp.webgpuJs);
      }
    } finally {
      await run.close();
    }
  });
});

describe('easgd-workers on wasm', () => {
  it('trains the center far above chance with 2 nested training workers, then one worker alone', async () => {
    const epochs = 2;
    const run = await openExample(wasmBrowser, server, 'easgd-workers', 'wasm', epochs);
    const { page, errors } = run;
    try {
      await waitForEnd(page, RUN_TIMEOUT_MS);
      const seconds = (Date.now() - run.started) / 1000;
      await expectDone(page, 'wasm');
      // A static server sends no isolation headers: the center is kept by messages.
      expect(await page.getAttribute('[data-testid=result-center-store]', 'data-value')).toBe('messages');
      expect(await resultValue(page, 'result-workers')).toBe(2);
      expect(await resultValue(page, 'result-center-accuracy')).toBeGreaterThan(MIN_ACCURACY);
      expect(await resultValue(page, 'result-one-worker-accuracy')).toBeGreaterThan(MIN_ACCURACY);
      // Both workers took steps; together, every batch of every epoch.
      const steps = [
        await resultValue(page, 'result-worker-1-steps'),
        await resultValue(page, 'result-worker-2-steps'),
      ];
      expect(steps.every((n) => n > 0)).toBe(true);
      expect(await page.$('[data-testid=result-worker-3-steps]')).toBeNull();
      expect(await chartPoints(page, 'accuracy')).toBe(epochs);
      expect(await chartPoints(page, 'time')).toBe(2 * epochs);
      await screenshot(page, 'easgd-workers-wasm');
      expect(errors).toEqual([]);
      // The training workers end with the run; only the page's example worker may remain.
      expect(await allClosed(page, 10_000)).toBe(true);
      const requested = run.requested();
      const { gzipKiB, js } = loaded(requested, 'easgd-workers');
      const results = await numericResults(page);
      measured.push({ page: 'easgd-workers', backend: 'wasm', epochs, seconds, results, gzipKiB });
      // One wasm engine per worker (the example's and each training worker's), the same binary.
      expect(requested.filter((path) => path.endsWith('.wasm'))).toEqual(
        Array(3).fill('/wasm/tfjs-backend-wasm-simd.wasm'),
      );
      expect(js.filter((source) => source.includes(WEBGPU_MARKER))).toEqual([]);
      expect(gzipKiB.js).toBeLessThanOrEqual(BUDGET_KIB.easgd.js);
      expect(gzipKiB.wasm).toBeLessThanOrEqual(BUDGET_KIB.easgd.wasm);
    } finally {
      await run.close();
    }
  });

  it('Stop ends the example worker and its training workers', async () => {
    const run = await openExample(wasmBrowser, server, 'easgd-workers', 'wasm', 20);
    const { page, errors } = run;
    try {
      // Training is under way in both workers once the center has a first step count.
      await page.waitForSelector('[data-testid=result-worker-2-steps]', { timeout: RUN_TIMEOUT_MS });
      expect(page.workers().length).toBe(3); // the example's worker and 2 training workers
      await page.click('[data-testid=stop]');
      expect(await state(page)).toBe('stopped');
      expect(await allClosed(page, 10_000)).toBe(true);
      expect(page.workers()).toEqual([]);
      expect(await page.isEnabled('[data-testid=run]')).toBe(true);
      await screenshot(page, 'easgd-workers-wasm-stopped');
      expect(errors).toEqual([]);
    } finally {
      await run.close();
    }
  });
});
