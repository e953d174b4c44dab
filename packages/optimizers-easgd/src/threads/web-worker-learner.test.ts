import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Browser } from 'playwright-core';
import {
  buildPageSite,
  collectErrors,
  launchChromium,
  serveStatic,
} from '../../../../tools/browser-test/browser-test.js';

// A real browser: the page and its training worker are bundled with esbuild as a web app would
// bundle them, served by a plain static server (with and without the COOP/COEP headers that make
// a page cross-origin isolated) and run in Debian's chromium.
const FIXTURES = fileURLToPath(new URL('./__fixtures__/web/', import.meta.url));
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

interface PageResult {
  readonly crossOriginIsolated: boolean;
  readonly centerStore: string;
  readonly workers: number;
  readonly conservation: { readonly centerMoved: number; readonly drift: number };
  readonly accuracyBefore: number;
  readonly accuracy: number;
  readonly seconds: number;
}

let site: string;
let browser: Browser;

beforeAll(async () => {
  site = mkdtempSync(join(tmpdir(), 'easgd-web-'));
  await buildPageSite(site, [join(FIXTURES, 'page.ts'), join(FIXTURES, 'train-worker.ts')], {
    title: 'easgd',
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(site, { recursive: true, force: true });
});

describe('createWebWorkerLearner in chromium', () => {
  test.each([
    ['cross-origin isolated', ISOLATION, true, 'shared'],
    ['not isolated (a static host)', {}, false, 'messages'],
  ] as const)(
    '%s: two Web Workers conserve the center plus workers at eta = 0 and train',
    async (_label, headers, isolated, centerStore) => {
      const server = await serveStatic(site, { headers });
      const page = await browser.newPage();
      const errors = collectErrors(page);
      try {
        await page.goto(`${server.url}/`);
        await page.waitForFunction(() => 'runEasgd' in globalThis);
        const result = (await page.evaluate(() =>
          (globalThis as unknown as { runEasgd: () => Promise<unknown> }).runEasgd(),
        )) as PageResult;
        console.log(`${_label}: ${JSON.stringify(result)}`);
        expect(result.crossOriginIsolated).toBe(isolated);
        expect(result.centerStore).toBe(centerStore);
        expect(result.workers).toBe(2);
        // A lost or doubled add would shift a total by about as much as the center moved.
        expect(result.conservation.centerMoved).toBeGreaterThan(1e-3);
        expect(result.conservation.drift).toBeLessThan(1e-5);
        // Three classes: chance is 1/3; the linear teacher is learnt to > 90 % in three passes.
        expect(result.accuracy).toBeGreaterThan(0.9);
        expect(result.accuracy).toBeGreaterThan(result.accuracyBefore + 0.2);
        expect(errors).toEqual([]);
        // Everything came from this server (the browser's own favicon request aside).
        expect(server.requests.filter((r) => r.status !== 200 && r.path !== '/favicon.ico')).toEqual([]);
        expect(server.requests.map((r) => r.path)).toEqual(
          expect.arrayContaining([
            '/page.js',
            '/train-worker.js',
            expect.stringMatching(/^\/wasm\/.*\.wasm$/),
          ]),
        );
      } finally {
        await page.close();
        await server.close();
      }
    },
    60_000,
  );
});
