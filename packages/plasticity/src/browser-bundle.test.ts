import { describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import {
  browserEntries,
  bundleForBrowser,
  isNodeBuiltin,
  repoRoot,
} from '../../../tools/bundle-check/bundle-check.js';

// Bundles the built packages (dist) for the browser with esbuild, as a web app would, and fails
// on any Node built-in they reach. Nx builds every package before this test runs.
describe('browser bundles', () => {
  test.each(browserEntries().map((entry) => [entry.label, entry.source]))(
    "%s's main entry reaches no Node built-in",
    async (_label, source) => {
      expect(await bundleForBrowser(source)).toEqual({ nodeBuiltins: [], otherErrors: [] });
    },
    60_000,
  );

  test("the README's library example bundles", async () => {
    const example = join(repoRoot, 'packages/plasticity/src/examples/train-yinyang.ts');
    expect(await bundleForBrowser(`import '${example}';\n`)).toEqual({ nodeBuiltins: [], otherErrors: [] });
  }, 60_000);

  test('the check catches Node built-ins, with and without the node: prefix', async () => {
    const fixture = join(repoRoot, 'tools/bundle-check/fixtures/node-only.ts');
    const { nodeBuiltins, otherErrors } = await bundleForBrowser(`export * from '${fixture}';\n`);
    expect(otherErrors).toEqual([]);
    expect(nodeBuiltins.map((b) => b.specifier).sort()).toEqual(['node:fs', 'path']);
    expect(nodeBuiltins[0].importer).toMatch(/node-only\.ts$/);
  });

  test('the Node entries do need Node (so the check is not vacuous)', async () => {
    const { nodeBuiltins } = await bundleForBrowser("export * from 'plasticity/node';\n");
    expect(nodeBuiltins.length).toBeGreaterThan(0);
  }, 60_000);

  test('isNodeBuiltin', () => {
    expect(['fs', 'node:fs', 'fs/promises', 'worker_threads', 'url', 'node:test'].every(isNodeBuiltin)).toBe(
      true,
    );
    expect(['@tensorflow/tfjs-core', 'zod', 'events-x'].some(isNodeBuiltin)).toBe(false);
  });
});
