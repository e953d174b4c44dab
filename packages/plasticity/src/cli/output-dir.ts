import { mkdirSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PlasticityError } from '@plasticity/core-tensors';

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOENT: 'directories cannot be created there',
};

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return REASONS[code] ?? (error instanceof Error ? error.message : String(error));
}

function outputError(what: string, dir: string, cause?: unknown): PlasticityError {
  return new PlasticityError(
    'E_OUTPUT',
    `--out ${dir}: ${what}; choose another --out`,
    { dir },
    cause ? { cause } : undefined,
  );
}

function kindOf(path: string): 'directory' | 'other' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'other';
  } catch {
    return 'missing';
  }
}

/**
 * Creates `dir` one level at a time (Node's recursive mkdir never returns for some paths
 * under /proc) and returns the directories it created, outermost first.
 */
function createDirs(dir: string): string[] {
  const missing: string[] = [];
  let existing = dir;
  while (kindOf(existing) === 'missing' && dirname(existing) !== existing) {
    missing.unshift(existing);
    existing = dirname(existing);
  }
  if (kindOf(existing) !== 'directory') throw outputError(`${existing} is a file, not a directory`, dir);
  const created: string[] = [];
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (error) {
      removeCreated(created);
      throw outputError(`cannot create ${path} (${reasonOf(error)})`, dir, error);
    }
    created.push(path);
  }
  return created;
}

/** Removes directories made by `createDirs` (innermost first), if they are still empty. */
export function removeCreated(created: readonly string[]): void {
  for (const path of [...created].reverse()) {
    try {
      rmdirSync(path);
    } catch {
      return; // not empty: something was written after all
    }
  }
}

/**
 * Checks that a run can be written to `dir` before anything slow starts (backend, data):
 * creates it and writes and removes a probe file. Errors are E_OUTPUT naming the path and
 * what is wrong. Returns the directories it created, for `removeCreated` if the run fails.
 */
export function prepareOutputDir(dir: string): string[] {
  const created = createDirs(dir);
  const probe = join(dir, `.plasticity-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (error) {
    removeCreated(created);
    throw outputError(`cannot write files there (${reasonOf(error)})`, dir, error);
  }
  return created;
}
