#!/usr/bin/env node
// Packs every published workspace package as npm would and checks the tarballs: publint (the
// package.json against the files actually shipped) and @arethetypeswrong/cli (types resolve
// the way the runtime does), plus this project's own rules (no build info, source maps or
// unexported test helpers). Run by the root `npm test` after the build; exits 1 on any problem.
//   node tools/pack-check/pack-check.js [--json sizes.json]
/* global console, process */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const attw = join(repoRoot, 'node_modules', '.bin', 'attw');

/** Files no tarball may hold: build info, source maps (their src/ is not shipped), test code. */
const FORBIDDEN = [/\.tsbuildinfo/, /\.map$/, /\.test\./, /\.test-util\./, /__fixtures__/, /(^|\/)testing\//];
/** Public test kits: core-tensors exports ./testing for other packages' tests. */
const ALLOWED = { '@plasticity/core-tensors': [/^dist\/testing\//] };

function pack(pkgDir, dest) {
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dest], {
    cwd: pkgDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out)[0];
}

async function checkPackage(pkgDir, dest) {
  const info = pack(pkgDir, dest);
  const tarball = join(dest, info.filename);
  const problems = [];

  for (const { path } of info.files) {
    const allowed = (ALLOWED[info.name] ?? []).some((re) => re.test(path));
    if (!allowed && FORBIDDEN.some((re) => re.test(path))) problems.push(`ships ${path}`);
  }
  if (!info.files.some((f) => f.path === 'LICENSE')) problems.push('ships no LICENSE');

  // publint reads the file list of the same `npm pack` (lifecycle scripts off).
  const lint = await publint({ pkgDir, pack: 'npm', strict: true });
  for (const message of lint.messages) {
    const text = `publint ${message.type}: ${formatMessage(message, lint.pkg) ?? message.code}`;
    if (message.type === 'suggestion') console.log(`  (${text})`);
    else problems.push(text);
  }

  // --profile esm-only: these packages are ESM only ("type": "module", no CommonJS build). The
  // node10 and node16-from-CJS resolutions would report "CJS resolves to ESM", which is the
  // design: Node >= 20.19 (the engines floor) loads them from require() synchronously, since no
  // module in the graph uses top-level await. Everything else (bundler, node16 ESM) must pass.
  const types = spawnSync(
    attw,
    [tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-emoji', '--no-color'],
    {
      encoding: 'utf8',
    },
  );
  if (types.status !== 0) problems.push(`attw:\n${types.stdout}${types.stderr}`);

  return {
    name: info.name,
    size: info.size,
    unpackedSize: info.unpackedSize,
    entryCount: info.entryCount,
    problems,
  };
}

const packagesDir = join(repoRoot, 'packages');
const dirs = readdirSync(packagesDir)
  .map((dir) => join(packagesDir, dir))
  .filter((dir) => !JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private);
const dest = mkdtempSync(join(tmpdir(), 'pack-check-'));
const results = [];
try {
  for (const dir of dirs) {
    const result = await checkPackage(dir, dest);
    results.push(result);
    const kb = (n) => `${(n / 1024).toFixed(0)} kB`;
    const status = result.problems.length === 0 ? 'ok  ' : 'FAIL';
    console.log(
      `${status} ${result.name}: ${kb(result.size)} packed, ${kb(result.unpackedSize)} unpacked, ${result.entryCount} files`,
    );
    for (const problem of result.problems) console.log(`  ${problem.replaceAll('\n', '\n  ')}`);
  }
} finally {
  rmSync(dest, { recursive: true, force: true });
}
const jsonAt = process.argv.indexOf('--json');
if (jsonAt > 0) writeFileSync(process.argv[jsonAt + 1], JSON.stringify(results, null, 2) + '\n');
const failed = results.filter((r) => r.problems.length > 0).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
