import { describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, workspacePackages } from '../../../tools/bundle-check/bundle-check.js';

// The published entries as a stranger's Node sees them (built dist, resolved by package name).
function node(code: string, type: 'commonjs' | 'module'): string {
  return execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], {
    cwd: repoRoot,
    encoding: 'utf8',
  }).trim();
}

describe('package entries in Node', () => {
  test("require('plasticity') works (no top-level await in the graph) and gets the Node entry", () => {
    const out = node(
      "const p = require('plasticity'); console.log(JSON.stringify([typeof p.fit, typeof p.readIdx, p.listRules().length > 0]))",
      'commonjs',
    );
    expect(JSON.parse(out)).toEqual(['function', 'function', true]);
  }, 60_000);

  test("import of '@plasticity/datasets' in Node gets the file-system loaders", () => {
    const out = node(
      "const d = await import('@plasticity/datasets'); console.log(JSON.stringify([typeof d.readIdx, typeof d.loadShd, typeof d.fetchMnist]))",
      'module',
    );
    expect(JSON.parse(out)).toEqual(['function', 'function', 'function']);
  }, 60_000);
});

describe('published types', () => {
  test('compile in a strict browser project without @types/node', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strict-consumer-'));
    try {
      symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
      const names = workspacePackages().map((p) => p.name);
      writeFileSync(
        join(dir, 'main.ts'),
        names.map((name, i) => `import * as p${i} from '${name}';\n`).join('') +
          `export const all = [${names.map((_, i) => `p${i}`).join(', ')}];\n`,
      );
      const compilerOptions = {
        strict: true,
        noEmit: true,
        module: 'ESNext',
        moduleResolution: 'bundler',
        target: 'ES2022',
        lib: ['ES2023', 'DOM'],
        types: [],
        // Checked, so that a Node type named in our .d.ts files is an error; tfjs' and
        // @webgpu/types' own declarations do not pass this, so only errors in ours count.
        skipLibCheck: false,
      };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['main.ts'] }));
      const tsc = spawnSync(
        process.execPath,
        [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', dir, '--pretty', 'false'],
        {
          encoding: 'utf8',
        },
      );
      const ours = tsc.stdout
        .split('\n')
        .filter((line) => line.includes('/packages/') || line.startsWith('main.ts'));
      expect(ours).toEqual([]);
      expect(tsc.stdout).not.toMatch(/Cannot find module '@plasticity/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
