// Helpers the live-example browser tests share: where the built site is, opening an example page
// with autorun, reading its state and results, and measuring what it downloaded.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { collectErrors } from '../../tools/browser-test/browser-test.js';
import type { StaticServer } from '../../tools/browser-test/browser-test.js';

export const DOCS = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SITE = join(DOCS, '.vitepress', 'dist');
/** Not committed (.gitignore): screenshots and the measured figures of the last run. */
export const SCREENSHOTS = join(DOCS, '.vitepress', 'screenshots');

// Markers of the two optional tfjs backends in built chunks: WGSL shader source (webgpu) and
// the name of the threaded Emscripten module's factory, a string in the wasm backend's loader
// (not the binaries' file names, which core-tensors' own startup code lists).
export const WEBGPU_MARKER = '@workgroup_size';
export const WASM_MARKER = 'WasmBackendModuleThreadedSimd';

export interface GzipKiB {
  js: number;
  wasm: number;
  /** Data files the page fetched from the site (the MNIST subset, already gzip). */
  data: number;
  prefetch: number;
  other: number;
}

export interface Measured {
  page: string;
  backend: string;
  epochs: number;
  seconds: number;
  results: Record<string, number>;
  gzipKiB?: GzipKiB;
}

/** Writes a test file's measured figures beside the screenshots (`file`) and prints them. */
export function saveMeasured(file: string, measured: readonly object[], heading = ''): void {
  if (measured.length === 0) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(join(SCREENSHOTS, file), JSON.stringify(measured, null, 2) + '\n');
  console.log(`${heading}screenshots and ${file} in ${SCREENSHOTS}\n${JSON.stringify(measured, null, 1)}`);
}

export function kib(bytes: number): number {
  return Math.round((bytes / 1024) * 10) / 10;
}

/** VitePress prefetches the chunks of pages linked from the one shown (for navigation). */
function isOtherPage(path: string, pageId: string): boolean {
  return /\/assets\/[^/]+\.md\.[^/]+\.js$/.test(path) && !path.includes(`/examples_${pageId}.md.`);
}

/**
 * Gzip sizes of the site files a page asked for, by kind: its JS (page, theme, worker,
 * backend), wasm, other pages' prefetched chunks, and the rest (CSS, fonts); and its JS sources.
 */
export function loaded(paths: readonly string[], pageId: string): { gzipKiB: GzipKiB; js: string[] } {
  const sizes = { js: 0, wasm: 0, data: 0, prefetch: 0, other: 0 };
  const js: string[] = [];
  for (const path of new Set(paths)) {
    const file = join(SITE, path);
    if (!existsSync(file) || path.endsWith('/')) continue;
    const bytes = readFileSync(file);
    if (path.startsWith('/mnist-subset/')) {
      sizes.data += bytes.length; // already gzip
      continue;
    }
    const gz = gzipSync(bytes, { level: 9 }).length;
    const ext = extname(path);
    if (isOtherPage(path, pageId)) sizes.prefetch += gz;
    else if (ext === '.js') {
      sizes.js += gz;
      js.push(bytes.toString('utf8'));
    } else if (ext === '.wasm') sizes.wasm += gz;
    else sizes.other += gz;
  }
  const gzipKiB = {
    js: kib(sizes.js),
    wasm: kib(sizes.wasm),
    data: kib(sizes.data),
    prefetch: kib(sizes.prefetch),
    other: kib(sizes.other),
  };
  return { gzipKiB, js };
}

export async function state(page: Page): Promise<string | null> {
  return page.getAttribute('[data-testid=status]', 'data-state');
}

export async function percent(page: Page): Promise<number> {
  return Number(await page.getAttribute('[data-testid=progress]', 'data-percent'));
}

export async function resultValue(page: Page, testId: string): Promise<number> {
  return Number(await page.getAttribute(`[data-testid=${testId}]`, 'data-value'));
}

export async function chartPoints(page: Page, chart: string): Promise<number> {
  return Number(await page.getAttribute(`[data-testid=chart-${chart}]`, 'data-points'));
}

/** Every numeric `result-*` of the page, by name (without `result-`). */
export async function numericResults(page: Page): Promise<Record<string, number>> {
  const results: Record<string, number> = {};
  for (const element of await page.$$('[data-testid^=result-]')) {
    const value = Number(await element.getAttribute('data-value'));
    if (Number.isFinite(value)) results[(await element.getAttribute('data-testid'))!.slice(7)] = value;
  }
  return results;
}

/** Opens a site URL in a fresh context, collecting its errors and the requests it makes. */
export async function openPage(browser: Browser, server: StaticServer, url: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = collectErrors(page);
  const firstRequest = server.requests.length;
  const started = Date.now();
  await page.goto(url);
  return {
    page,
    errors,
    started,
    /** Index of the page's first request in `server.requests`. */
    firstRequest,
    /** Site paths the page requested since it opened. */
    requested: () => server.requests.slice(firstRequest).map((request) => request.path),
    close: () => context.close(),
  };
}

/** Opens an example page with autorun on `backend`. */
export async function openExample(
  browser: Browser,
  server: StaticServer,
  pageId: string,
  backend: string,
  epochs: number,
) {
  return openPage(
    browser,
    server,
    `${server.url}/examples/${pageId}.html?epochs=${epochs}&backend=${backend}&autorun=1`,
  );
}

/** Waits until the run is `done` or failed (`error`); resolves to `state: status text`. */
export async function waitForEnd(page: Page, timeout: number): Promise<string> {
  await page.waitForFunction(
    () => {
      const status = document.querySelector<HTMLElement>('[data-testid=status]')?.dataset.state;
      return status === 'done' || status === 'error';
    },
    undefined,
    { timeout },
  );
  // The status text says what went wrong when the run failed.
  return `${await state(page)}: ${await page.textContent('[data-testid=status]')}`;
}
