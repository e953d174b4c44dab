import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
import { blocksIn } from './doc-blocks.test-util.js';

// The browser example of @plasticity/optimizers-easgd's README, as written: its page and worker
// blocks are bundled with esbuild as a web app would and run in Debian's chromium, on a plain
// static host (the center on the page) and a cross-origin isolated one (the center shared).
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const README = 'packages/optimizers-easgd/README.md';

let site: string;
let browser: Browser;

beforeAll(async () => {
  site = mkdtempSync(join(tmpdir(), 'easgd-readme-'));
  const blocks = blocksIn(REPO, README).filter((b) =>
    ['page.ts', 'train-worker.ts'].includes(b.markers.file),
  );
  expect(blocks.map((b) => b.markers.file).sort()).toEqual(['page.ts', 'train-worker.ts']);
  for (const block of blocks) writeFileSync(join(site, block.markers.file), block.code);
  // The page's imports resolve from this repository's installed packages.
  await buildPageSite(site, [join(site, 'page.ts'), join(site, 'train-worker.ts')], {
    nodePaths: [join(REPO, 'node_modules')],
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(site, { recursive: true, force: true });
});

describe("easgd README's browser example", () => {
  test.each([
    ['a static host', {}, 'messages'],
    [
      'a cross-origin isolated host',
      { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
      'shared',
    ],
  ] as const)(
    'on %s: two Web Workers train backprop on Yin-Yang',
    async (_label, headers, centerStore) => {
      const server = await serveStatic(site, { headers });
      const page = await browser.newPage();
      const errors = collectErrors(page);
      const lines: string[] = [];
      page.on('console', (message) => lines.push(message.text()));
      // The page's last line, or the first thing that went wrong.
      const finished = Promise.race([
        page.waitForEvent('console', {
          predicate: (m) => m.text().startsWith('test accuracy'),
          timeout: 80_000,
        }),
        page.waitForEvent('pageerror', { timeout: 80_000 }).then((error) => Promise.reject(error)),
      ]);
      try {
        await page.goto(`${server.url}/`);
        const accuracyLine = (await finished).text();
        console.log(`${_label}: ${lines.join(' | ')}`);
        expect(lines).toContain(`center: ${centerStore}`);
        // Three classes (chance 1/3): the center of two workers after 3 epochs is far above it.
        expect(Number(accuracyLine.split(' ').pop())).toBeGreaterThan(0.6);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
        await server.close();
      }
    },
    90_000,
  );
});
