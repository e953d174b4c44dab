// Bundles entries for the browser with esbuild and reports every Node built-in they reach.
// Used by packages/plasticity/src/browser-bundle.test.ts; run it directly to see the report:
//   node tools/bundle-check/bundle-check.js
/* global console, process */
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** True for `fs`, `node:fs`, `fs/promises`, `node:test`, ... */
export function isNodeBuiltin(specifier) {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]);
}

/**
 * Bundles `source` (ES module text, resolved from `resolveDir`) for the browser.
 * Resolves to `{ nodeBuiltins, otherErrors }`: the Node built-ins the bundle needs (with the
 * file importing each) and any other build error. Both empty means the entry is browser-clean.
 */
export async function bundleForBrowser(source, resolveDir = repoRoot) {
  try {
    await build({
      stdin: { contents: source, resolveDir, sourcefile: '<entry>', loader: 'ts' },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    return { nodeBuiltins: [], otherErrors: [] };
  } catch (error) {
    if (!Array.isArray(error.errors)) throw error;
    const nodeBuiltins = [];
    const otherErrors = [];
    for (const message of error.errors) {
      const specifier = /^Could not resolve "([^"]+)"/.exec(message.text)?.[1];
      const importer = message.location?.file ?? '<unknown>';
      if (specifier !== undefined && isNodeBuiltin(specifier)) nodeBuiltins.push({ specifier, importer });
      else otherErrors.push(`${importer}: ${message.text}`);
    }
    return { nodeBuiltins, otherErrors };
  }
}

/** The published workspace packages: `{ name, dir }`. */
export function workspacePackages() {
  return readdirSync(join(repoRoot, 'packages'))
    .map((dir) => ({
      dir,
      manifest: JSON.parse(readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8')),
    }))
    .filter(({ manifest }) => !manifest.private)
    .map(({ dir, manifest }) => ({ name: manifest.name, dir: join(repoRoot, 'packages', dir) }));
}

/** What the browser must be able to bundle: every package's main entry, by name (its built dist). */
export function browserEntries() {
  return workspacePackages().map(({ name }) => ({ label: name, source: `export * from '${name}';\n` }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let failed = false;
  for (const { label, source } of browserEntries()) {
    const { nodeBuiltins, otherErrors } = await bundleForBrowser(source);
    const problems = [
      ...nodeBuiltins.map(
        ({ specifier, importer }) => `Node built-in '${specifier}' imported by ${importer}`,
      ),
      ...otherErrors,
    ];
    failed ||= problems.length > 0;
    console.log(problems.length === 0 ? `ok   ${label}` : `FAIL ${label}\n  ${problems.join('\n  ')}`);
  }
  process.exitCode = failed ? 1 : 0;
}
