import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { version_core } from '@tensorflow/tfjs-core';

/** The packages whose versions a run records (they decide what a checkpoint means). */
const DEPENDENCIES = ['@plasticity/core-tensors', '@plasticity/datasets', '@plasticity/rule-backprop'];

export interface Versions {
  readonly node: string;
  readonly 'tfjs-core': string;
  readonly [pkg: string]: string;
}

const here = dirname(fileURLToPath(import.meta.url));

function versionIn(path: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * A dependency's version from its package.json, found the way Node resolves packages (the
 * nearest node_modules upwards). Done by hand because exports maps and test runners' module
 * mappers make `require.resolve('x/package.json')` unreliable.
 */
function dependencyVersion(name: string): string {
  for (let dir = here; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return versionIn(candidate) ?? 'unknown';
    if (dirname(dir) === dir) return 'unknown';
  }
}

export function collectVersions(): Versions {
  return {
    node: process.versions.node,
    'tfjs-core': version_core,
    // src/cli/ and dist/cli/ both sit two levels below the package root.
    plasticity: versionIn(join(here, '..', '..', 'package.json')) ?? 'unknown',
    ...Object.fromEntries(DEPENDENCIES.map((name) => [name, dependencyVersion(name)])),
  };
}
