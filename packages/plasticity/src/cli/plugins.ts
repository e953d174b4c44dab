import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PlasticityError, listRules } from '@plasticity/core-tensors';

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
 * Plugin specifiers as a run directory stores them: paths relative to the run directory `dir`
 * (`../plugins/rule.mjs`), so that moving a project together with its runs keeps them working.
 */
export function pluginsForRunDir(specifiers: readonly string[], dir: string): string[] {
  return specifiers.map((s) => {
    if (!isPath(s)) return s;
    const path = relative(dir, s);
    return isAbsolute(path) || path.startsWith('..') ? path : `.${sep}${path}`;
  });
}

/** The inverse of `pluginsForRunDir` (absolute paths, from older runs, stay as they are). */
export function pluginsFromRunDir(stored: readonly string[], dir: string): string[] {
  return stored.map((s) => (isPath(s) ? resolve(dir, s) : s));
}

// The module each rule came from: the rules that importing it registered. Kept for the
// process, because a module imported again (in-process tests) registers nothing new.
const sources = new Map<string, string>();

/** The plugin specifier (absolute path or package name) whose import registered rule `name`. */
export function pluginSourceOf(name: string): string | undefined {
  return sources.get(name);
}

/**
 * Imports rule-plugin modules for their side effect (each calls `registerRule`). Package names
 * resolve from where plasticity is installed; paths were made absolute by the caller.
 */
export async function importPlugins(specifiers: readonly string[]): Promise<void> {
  for (const specifier of specifiers) {
    const before = new Set(listRules().map((rule) => rule.name));
    try {
      await import(isPath(specifier) ? pathToFileURL(specifier).href : specifier);
      for (const rule of listRules()) if (!before.has(rule.name)) sources.set(rule.name, specifier);
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
