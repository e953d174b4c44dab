import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { version_core } from '@tensorflow/tfjs-core';
import type { RulePlugin } from '@plasticity/core-tensors';
import { pluginSourceOf } from './plugins.js';

/** What every run uses whatever the rule: the trainer and checkpoints, and the data loaders. */
const ALWAYS_USED = ['@plasticity/core-tensors', '@plasticity/datasets'];

export interface Versions {
  readonly node: string;
  readonly 'tfjs-core': string;
  readonly [pkg: string]: string;
}

/** A rule's package: its name and version, when known. */
export interface RulePackageInfo {
  readonly name: string;
  readonly version: string;
}

interface PackageJson {
  readonly name?: string;
  readonly version?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
}

interface FoundPackage {
  readonly dir: string;
  readonly json: PackageJson;
  /** False for a project around a plugin file: its dependencies are not the rule's. */
  readonly followDependencies?: boolean;
}

const here = dirname(fileURLToPath(import.meta.url));

function readPackageJson(path: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/**
 * A package's package.json, found the way Node resolves packages from `from` (the nearest
 * node_modules upwards). Done by hand because exports maps and test runners' module mappers
 * make `require.resolve('x/package.json')` unreliable.
 */
function findPackage(name: string, from = here): FoundPackage | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name, 'package.json');
    const json = existsSync(candidate) ? readPackageJson(candidate) : undefined;
    if (json) return { dir: dirname(candidate), json };
    if (dirname(dir) === dir) return undefined;
  }
}

/** The nearest package.json above a file (a `--plugin` path inside a project or package). */
function enclosingPackage(file: string): FoundPackage | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const json = readPackageJson(join(dir, 'package.json'));
    if (json?.name) return { dir, json, followDependencies: false };
    if (dirname(dir) === dir) return undefined;
  }
}

/** Where a rule's code lives: its declared package, else the package around its plugin file. */
function packageOfRule(rule: RulePlugin): FoundPackage | undefined {
  if (rule.package) {
    const found = findPackage(rule.package.name);
    if (found) return found;
    return { dir: here, json: { name: rule.package.name, version: rule.package.version } };
  }
  const source = pluginSourceOf(rule.name);
  if (source === undefined) return undefined;
  return source.startsWith('/') || /^[A-Za-z]:[\\/]/.test(source)
    ? enclosingPackage(source)
    : findPackage(source);
}

export function rulePackageInfo(rule: RulePlugin): RulePackageInfo | undefined {
  const found = packageOfRule(rule);
  return found?.json.name
    ? { name: found.json.name, version: found.json.version ?? rule.package?.version ?? 'unknown' }
    : undefined;
}

/**
 * Versions of `packages` and of their `@plasticity/*` dependencies, transitively, plus the
 * installed `@tensorflow/*` packages they depend on (backends; tfjs-core is recorded as the
 * one running).
 */
function withDependencies(packages: readonly FoundPackage[]): Record<string, string> {
  const versions: Record<string, string> = {};
  const queue = [...packages];
  for (let next = queue.shift(); next; next = queue.shift()) {
    const { json, dir } = next;
    if (!json.name || json.name in versions) continue;
    versions[json.name] = json.version ?? 'unknown';
    if (next.followDependencies === false) continue;
    const deps = Object.keys({ ...json.dependencies, ...json.peerDependencies });
    for (const dep of deps) {
      if (dep === '@tensorflow/tfjs-core' || dep in versions) continue;
      if (dep.startsWith('@plasticity/') || dep.startsWith('@tensorflow/')) {
        const found = findPackage(dep, dir);
        if (dep.startsWith('@plasticity/') && found) queue.push(found);
        // Optional backends that are not installed were not used.
        else if (found?.json.version) versions[dep] = found.json.version;
      }
    }
  }
  return versions;
}

/**
 * The versions a run records: Node, the tfjs-core that runs, plasticity, core-tensors and
 * datasets, and, given the rule, its package and every `@plasticity/*` package it depends on.
 */
export function collectVersions(rule?: RulePlugin): Versions {
  const used = ALWAYS_USED.map((name) => findPackage(name) ?? { dir: here, json: { name } });
  const own = rule && packageOfRule(rule);
  return {
    node: process.versions.node,
    'tfjs-core': version_core,
    // src/cli/ and dist/cli/ both sit two levels below the package root.
    plasticity: readPackageJson(join(here, '..', '..', 'package.json'))?.version ?? 'unknown',
    ...withDependencies(own ? [own, ...used] : used),
  };
}
