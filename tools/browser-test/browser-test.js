// A real browser for tests: Debian's chromium through playwright-core (never a downloaded
// browser), a static file server for built pages, and the page's console errors collected.
// Used by the docs site's end-to-end tests and the browser smoke tests.
/* global process, URL */
import {
  copyFileSync,
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const CHROMIUM_CANDIDATES = [
  process.env.PLASTICITY_CHROMIUM,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
];

/** Flags for headless chromium on a machine without internet; WebGPU falls back to SwiftShader. */
export const CHROMIUM_FLAGS = Object.freeze([
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);
export const WEBGPU_FLAGS = Object.freeze(['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader']);

/** The chromium executable, or an error that says how to get one. */
export function chromiumPath() {
  const found = CHROMIUM_CANDIDATES.find((p) => p !== undefined && existsSync(p));
  if (!found) {
    throw new Error(
      `no chromium at ${CHROMIUM_CANDIDATES.filter(Boolean).join(' or ')}: install Debian's chromium ` +
        '(apt-get install chromium) or set PLASTICITY_CHROMIUM',
    );
  }
  return found;
}

/** Debian chromium's software Vulkan driver: the WebGPU adapter of a machine without a GPU. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Launches headless chromium; `webgpu: true` adds the flags that expose an adapter, and points
 * Vulkan at SwiftShader unless `VK_ICD_FILENAMES` already names a driver.
 */
export async function launchChromium({ webgpu = false } = {}) {
  const env =
    webgpu && process.env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER_ICD)
      ? { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD }
      : undefined;
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [...CHROMIUM_FLAGS, ...(webgpu ? WEBGPU_FLAGS : [])],
    ...(env ? { env } : {}),
  });
}

/**
 * Builds a one-page test site in `dir` as a web app would: each entry bundled for the browser
 * with esbuild (`page.ts` becomes `page.js`, which `index.html` loads), and the tfjs wasm
 * binaries copied to `wasm/` so the page loads them from its own server (no CDN).
 */
export async function buildPageSite(dir, entryPoints, { title = 'test page', nodePaths } = {}) {
  await build({
    entryPoints,
    outdir: dir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    logLevel: 'silent',
    ...(nodePaths ? { nodePaths } : {}),
  });
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><title>${title}</title><script type="module" src="./page.js"></script>\n`,
  );
  const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  mkdirSync(join(dir, 'wasm'), { recursive: true });
  for (const file of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) {
    copyFileSync(join(wasmDir, file), join(dir, 'wasm', file));
  }
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `root` on 127.0.0.1 at a random port, as any static host would (no special headers).
 * `dir/` serves `dir/index.html`; a path without an extension also tries `path.html`.
 * Resolves to `{ url, requests, close }`; `requests` lists every path asked for, with its status.
 */
export async function serveStatic(root, { headers = {} } = {}) {
  const base = resolve(root);
  const requests = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const candidates = [path, join(path, 'index.html'), `${path}.html`];
    for (const candidate of candidates) {
      const file = normalize(join(base, candidate));
      if (file !== base && !file.startsWith(base + sep)) break;
      if (existsSync(file) && statSync(file).isFile()) {
        requests.push({ path, status: 200 });
        res.writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          ...headers,
        });
        createReadStream(file).pipe(res);
        return;
      }
    }
    requests.push({ path, status: 404 });
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end(`not found: ${path}`);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

/**
 * Collects what a page reports as going wrong: console errors, uncaught exceptions (also in its
 * workers) and failed requests. Returns the live array.
 */
export function collectErrors(page) {
  const errors = [];
  page.on('console', (message) => {
    // A browser asks for /favicon.ico by itself; a page without one is not an error.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) {
      errors.push(`console: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  page.on('worker', (worker) =>
    worker.on('console', (message) => {
      if (message.type() === 'error') errors.push(`worker console: ${message.text()}`);
    }),
  );
  page.on('requestfailed', (request) =>
    errors.push(`request failed: ${request.url()} ${request.failure()?.errorText}`),
  );
  return errors;
}
