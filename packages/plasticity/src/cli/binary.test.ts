import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { tempDir } from './harness.test-util.js';

// The built `plasticity` binary as a user runs it, in its own process: exit statuses, what
// goes to stdout and stderr, and that the process ends by itself (WebGPU included). Nx runs
// this package's build before its tests; run `npm run build` first when calling jest directly.

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const main = join(packageDir, 'dist', 'cli', 'main.js');
const shim = join(packageDir, 'bin', 'plasticity.js');

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], cwd: string): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file, ...args],
      { cwd, env: { ...process.env, DEBUG: '' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('the plasticity binary', () => {
  const cwd = tempDir('binary');

  beforeAll(() => {
    if (!existsSync(main)) throw new Error(`${main} is missing: build first (npm run build)`);
  });

  test('dist/cli/main.js starts with a shebang; the bin shim is executable', () => {
    expect(readFileSync(main, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(shim).mode & 0o111).not.toBe(0);
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
    expect(manifest.bin).toEqual({ plasticity: './bin/plasticity.js' });
  });

  test('--version through the bin shim', async () => {
    const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
    const result = await run(shim, ['--version'], cwd);
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  test('an unknown rule: exit 2, one line on stderr, no stack', async () => {
    const result = await run(main, ['train', 'nope', '--dataset', 'yinyang'], cwd);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error \[E_UNKNOWN_RULE\]: [^\n]*\n$/);
  });

  test('a failure that is not a usage error exits 1', async () => {
    mkdirSync(join(cwd, 'old'));
    writeFileSync(join(cwd, 'old', 'config.json'), JSON.stringify({ format: 'something-else/9' }));
    const result = await run(main, ['eval', '--run', 'old', '--dataset', 'yinyang'], cwd);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error \[E_CHECKPOINT\]: .*config\.json: format is "something-else\/9"[^\n]*\n$/,
    );
  });

  test('info --json, then one short training run per available backend; each process exits by itself', async () => {
    const info = await run(main, ['info', '--json'], cwd);
    expect(info.code).toBe(0);
    const parsed = JSON.parse(info.stdout) as {
      backends: { name: string; available: boolean }[];
      rules: { name: string }[];
      datasets: { name: string }[];
      versions: Record<string, string>;
    };
    expect(parsed.rules.map((r) => r.name)).toContain('backprop');
    expect(parsed.datasets.map((d) => d.name)).toEqual(expect.arrayContaining(['yinyang', 'mnist']));
    expect(parsed.versions.node).toBe(process.versions.node);
    const available = parsed.backends.filter((b) => b.available).map((b) => b.name);
    expect(available).toEqual(expect.arrayContaining(['cpu', 'wasm']));

    for (const backend of available.filter((b) => ['cpu', 'wasm', 'webgpu'].includes(b))) {
      const args = ['train', 'backprop', '--dataset', 'yinyang', '--epochs', '1', '--batch-size', '250'];
      const result = await run(main, [...args, '--backend', backend, '--json', '--out', backend], cwd);
      expect({ backend, code: result.code }).toEqual({ backend, code: 0 });
      const lines = result.stdout.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      const metrics = JSON.parse(lines[0]);
      expect(metrics).toMatchObject({ rule: 'backprop', dataset: 'yinyang', backend, epochs: 1 });
      expect(metrics.test.count).toBe(1000);
      expect(existsSync(join(cwd, backend, 'report.html'))).toBe(true);
    }
  });

  test('--plugin imports a rule from a file; the run remembers it, so eval needs no flag', async () => {
    const fixture = join(packageDir, 'src', 'cli', 'fixtures', 'centroid-rule.mjs');
    const info = await run(main, ['info', '--plugin', fixture], cwd);
    expect(info.code).toBe(0);
    // The fixture's package is the one around its file: plasticity itself.
    expect(info.stdout).toMatch(/\n {2}centroid +plasticity \d\S* +Nearest class mean/);

    const args = ['--dataset', 'yinyang', '--epochs', '1', '--backend', 'cpu', '--json', '--out', 'centroid'];
    const trained = await run(main, ['--plugin', fixture, 'train', 'centroid', ...args], cwd);
    expect(trained.code).toBe(0);
    const metrics = JSON.parse(trained.stdout);
    expect(metrics.test.accuracy).toBeGreaterThan(0.45); // chance is 1/3
    // Stored relative to the run directory, so that a project can move with its runs.
    expect(JSON.parse(readFileSync(join(cwd, 'centroid', 'config.json'), 'utf8')).plugins).toEqual([
      relative(join(cwd, 'centroid'), fixture),
    ]);

    const evaluated = await run(
      main,
      ['eval', '--run', 'centroid', '--dataset', 'yinyang', '--backend', 'cpu', '--json'],
      cwd,
    );
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(evaluated.stdout).accuracy).toBe(metrics.test.accuracy);

    const missing = await run(main, ['--plugin', './nope.mjs', 'info'], cwd);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error \[E_USAGE\]: cannot load plugin .*nope\.mjs/);
  });
});
