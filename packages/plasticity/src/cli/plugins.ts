import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PlasticityError } from '@plasticity/core-tensors';

/** A file path (`./my-rule.js`, `/abs/rule.mjs`) rather than a package name (`@me/rule-x`). */
function isPath(specifier: string): boolean {
  return specifier.startsWith('.') || isAbsolute(specifier) || /\.[cm]?js$/.test(specifier);
}

/**
 * Normalises `--plugin` values so a run directory can re-import them from anywhere: paths
 * become absolute (against `cwd`), package names stay as they are.
 */
export function normalizePluginSpecifiers(specifiers: readonly string[], cwd: string): string[] {
  return specifiers.map((s) => (isPath(s) ? resolve(cwd, s) : s));
}

/**
 * Imports rule-plugin modules for their side effect (each calls `registerRule`). Package names
 * resolve from where plasticity is installed; paths were made absolute by the caller.
 */
export async function importPlugins(specifiers: readonly string[]): Promise<void> {
  for (const specifier of specifiers) {
    try {
      await import(isPath(specifier) ? pathToFileURL(specifier).href : specifier);
    } catch (error) {
      throw new PlasticityError(
        'E_USAGE',
        `cannot load plugin ${specifier}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
        { plugin: specifier },
        { cause: error },
      );
    }
  }
}

/** Commander collector for a repeatable option. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
