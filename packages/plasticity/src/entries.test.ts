import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { repoRoot } from '../../../tools/bundle-check/bundle-check.js';

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
      "const p = require('plasticity'); console.log(typeof p.fit, typeof p.readIdx, p.listRules().length > 0)",
      'commonjs',
    );
    expect(out).toBe('function function true');
  }, 60_000);

  test("import of '@plasticity/datasets' in Node gets the file-system loaders", () => {
    const out = node(
      "const d = await import('@plasticity/datasets'); console.log(typeof d.readIdx, typeof d.loadShd, typeof d.fetchMnist)",
      'module',
    );
    expect(out).toBe('function function function');
  }, 60_000);
});
