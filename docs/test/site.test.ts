// The built site (docs/.vitepress/dist, written by `npm run docs`): every guide, package page and
// API entry is there with its heading, and in chromium the pages load without errors or missing
// assets, search finds a guide, and a build for a subpath (DOCS_BASE) loads its assets there.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { collectErrors, launchChromium, serveStatic } from '../../tools/browser-test/browser-test.js';
import type { StaticServer } from '../../tools/browser-test/browser-test.js';
import { packages } from '../.vitepress/packages.js';
import { githubSlug } from '../.vitepress/repo-links.js';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(docs, '.vitepress', 'dist');
const GUIDES = [
  'getting-started',
  'spiking',
  'local-learning',
  'write-a-rule',
  'gated-synapses',
  'spike-event-learning',
  'cli',
];

/** A symbol each entry exports, as its API page's heading anchor. */
const KNOWN_SYMBOLS: Record<string, string> = {
  plasticity: 'getrule',
  'plasticity/node': 'loaddataset',
  '@plasticity/core-tensors': 'fit',
  '@plasticity/core-tensors/testing': 'assertclose',
  '@plasticity/datasets': 'loaddataset',
  '@plasticity/datasets/node': 'mnistoptions',
  '@plasticity/neurons': 'eventpropnetwork',
  '@plasticity/neurons/node': 'readnirfile',
  '@plasticity/rule-eventprop': 'eventproprule',
  '@plasticity/rule-forward-forward': 'forwardforwardrule',
  '@plasticity/rule-least-control': 'leastcontrolrule',
  '@plasticity/rule-smooth-exact': 'smoothexactrule',
  '@plasticity/rule-spike-event': 'spikeeventrule',
  '@plasticity/rule-stdp': 'stdprule',
  '@plasticity/rule-btsp': 'binarymemory',
  '@plasticity/rule-bptt': 'bpttrule',
  '@plasticity/rule-backprop': 'backproprule',
  '@plasticity/optimizers-easgd': 'elasticworker',
  '@plasticity/optimizers-easgd/redis': 'rediscenterstore',
};

function builtPage(page: string): string {
  const file = join(dist, `${page}.html`);
  if (!existsSync(file)) throw new Error(`${file} is missing: build the site first (npm run docs)`);
  return readFileSync(file, 'utf8');
}

/** The text of the page's h1. */
function h1Of(html: string): string {
  return textOf(/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html)?.[1] ?? '');
}

/** HTML as text: tags and header anchors dropped, entities decoded. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&ZeroWidthSpace;|\u200b/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .trim();
}

describe('the built pages', () => {
  test.each(GUIDES)('guide %s has its title', (guide) => {
    const title = readFileSync(join(docs, `${guide}.md`), 'utf8').match(/^# (.+)$/m)?.[1] ?? '';
    expect(title).not.toBe('');
    expect(h1Of(builtPage(guide))).toBe(title.replace(/`/g, ''));
  });

  test.each(packages.map((p) => [p.name, p] as const))('package %s has its page', (name, pkg) => {
    const html = builtPage(pkg.page);
    expect(h1Of(html)).toBe(name);
    expect(textOf(html).includes(`npm install ${name}`)).toBe(true);
    for (const entry of pkg.entries) expect(html.includes(`href="/${entry.page}.html"`)).toBe(true);
  });

  test('every package entry has an API page with a symbol it exports', () => {
    const entries = packages.flatMap((p) => p.entries);
    expect(entries.map((e) => e.name).sort()).toEqual(Object.keys(KNOWN_SYMBOLS).sort());
    for (const entry of entries) {
      const html = builtPage(entry.page);
      expect([entry.name, h1Of(html)]).toEqual([entry.name, entry.name]);
      expect([entry.name, html.includes(`id="${KNOWN_SYMBOLS[entry.name]}"`)]).toEqual([entry.name, true]);
    }
    expect(builtPage('api/index')).toContain('optimizers-easgd.redis.html');
  });

  test('links between guides and to package pages use the site, with GitHub anchors', () => {
    const spiking = builtPage('spiking');
    expect(spiking).toContain('href="/packages/neurons.html#composable-networks"');
    expect(builtPage('packages/neurons')).toContain(`id="${githubSlug('Composable networks')}"`);
    // The root README is not a page of the site: its link goes to GitHub.
    expect(builtPage('getting-started')).toContain(
      'href="https://github.com/plasticity-js/plasticity/blob/main/README.md#backends"',
    );
  });
});

describe('in chromium', () => {
  let browser: Browser;
  let server: StaticServer;
  beforeAll(async () => {
    builtPage('index');
    [browser, server] = await Promise.all([launchChromium(), serveStatic(dist)]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Opens `path`, waits for the app to mount; returns the page and what went wrong on it. */
  async function open(
    path: string,
    origin = server,
  ): Promise<{ page: Page; errors: string[]; missing: string[] }> {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    const seen = origin.requests.length;
    await page.goto(origin.url + path, { waitUntil: 'networkidle' });
    await page.waitForSelector('#app .VPContent');
    const missing = origin.requests.slice(seen).filter((r) => r.status !== 200 && r.path !== '/favicon.ico');
    return { page, errors, missing: missing.map((r) => `${r.status} ${r.path}`) };
  }

  test.each(['/', '/getting-started.html', '/api/reference/optimizers-easgd.redis.html'])(
    '%s loads without errors',
    async (path) => {
      const { page, errors, missing } = await open(path);
      expect(errors).toEqual([]);
      expect(missing).toEqual([]);
      expect(await page.locator('h1').first().innerText()).not.toBe('');
      await page.close();
    },
  );

  test('search finds a guide by a word in it', async () => {
    const { page, errors } = await open('/');
    await page.locator('.VPNavBarSearch button').first().click();
    const input = page.locator('.VPLocalSearchBox input');
    // A word only docs/getting-started.md has (its plugin checklist).
    await input.fill('checklist');
    const results = page.locator('.VPLocalSearchBox .result');
    await results.first().waitFor();
    const hrefs = await results.evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(hrefs).toContainEqual(expect.stringMatching(/^\/getting-started\.html/));
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('a build for a subpath', () => {
  const outRoot = mkdtempSync(join(tmpdir(), 'docs-base-'));
  afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

  test('DOCS_BASE=/sub/ serves its pages and assets under /sub/', async () => {
    // The generated pages (API, packages) are already there from the main build.
    await promisify(execFile)(
      process.execPath,
      [
        join(docs, '..', 'node_modules', 'vitepress', 'bin', 'vitepress.js'),
        'build',
        '.',
        '--outDir',
        join(outRoot, 'sub'),
      ],
      { cwd: docs, env: { ...process.env, DOCS_BASE: '/sub/' }, maxBuffer: 16 << 20 },
    );
    const [browser, server] = await Promise.all([launchChromium(), serveStatic(outRoot)]);
    try {
      const page = await browser.newPage();
      const errors = collectErrors(page);
      await page.goto(`${server.url}/sub/spiking.html`, { waitUntil: 'networkidle' });
      await page.waitForSelector('#app .VPContent');
      expect(errors).toEqual([]);
      const requests = server.requests.filter((r) => r.path !== '/favicon.ico');
      expect(requests.filter((r) => r.status !== 200 || !r.path.startsWith('/sub/'))).toEqual([]);
      expect(requests.some((r) => r.path.startsWith('/sub/assets/'))).toBe(true);
      // Links inside the site keep the base.
      expect(await page.locator('a[href*="packages/neurons.html"]').first().getAttribute('href')).toMatch(
        /^\/sub\//,
      );
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
