import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { PlasticityError } from '@plasticity/core-tensors';

/** Who holds a run directory's lock (the lock file's contents). */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  /** Tells our own lock from a later holder's when releasing. */
  readonly token: string;
}

export interface RunLock {
  readonly path: string;
  /** Removes the lock file, if it is still ours. */
  release(): void;
}

/**
 * The lock file of run directory `dir`: beside it, not in it, so that it also covers a
 * replacement run being written next to the directory and survives the directory's swap.
 */
export function lockPathOf(dir: string): string {
  return `${dir}.lock`;
}

/** Whether process `pid` exists on this host (EPERM: it exists but belongs to someone else). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof holder.pid === 'number' && typeof holder.host === 'string') return holder as LockHolder;
  } catch {
    // unreadable or gone: treated below
  }
  return undefined;
}

/**
 * Creates the lock file in one step with its contents complete: a private temp file is
 * hard-linked to the lock path, which fails with EEXIST when another process holds it.
 */
function tryCreate(path: string, holder: LockHolder): boolean {
  const temp = `${path}.${holder.token}.tmp`;
  writeFileSync(temp, `${JSON.stringify(holder)}\n`);
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}

/**
 * Moves the stale lock aside before deleting it and checks that what moved is the lock that
 * was judged stale: when two runs take over at once, the slower one would otherwise delete the
 * faster one's fresh lock. A live lock moved by mistake is put back.
 */
function removeStale(path: string, stale: LockHolder | undefined, token: string): void {
  const aside = `${path}.${token}.stale`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else removed it
    throw error;
  }
  const moved = readHolder(aside);
  if (moved?.token !== stale?.token) {
    try {
      linkSync(aside, path);
    } catch {
      // a third run holds it now; the one moved aside lost its lock file either way
    }
  }
  unlinkSync(aside);
}

const describe = (h: LockHolder): string => `pid ${h.pid} on ${h.host} (since ${h.startedAt})`;

/**
 * Locks run directory `dir` for this process. A lock held by a live process fails at once
 * with E_LOCKED naming the holder; a stale lock (its process is gone from this host) is taken
 * over with a warning line; a lock from another host is never broken silently.
 */
export function acquireRunLock(dir: string, warn: (line: string) => void): RunLock {
  const path = lockPathOf(dir);
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    token: randomUUID(),
  };
  // Twice at most: once more after removing a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(path, holder)) {
      return {
        path,
        release() {
          if (readHolder(path)?.token === holder.token) unlinkSync(path);
        },
      };
    }
    const other = readHolder(path);
    if (other && other.host !== holder.host) {
      throw new PlasticityError(
        'E_LOCKED',
        `${dir} is locked by ${describe(other)}, another machine; if no run is writing it any more, delete ${path}`,
        { dir, lock: path, holder: other },
      );
    }
    if (other && isAlive(other.pid)) {
      throw new PlasticityError(
        'E_LOCKED',
        `${dir} is being written by another run, ${describe(other)}; wait for it to end or choose another --out`,
        { dir, lock: path, holder: other },
      );
    }
    warn(
      other
        ? `warning: removing the stale lock ${path} of ${describe(other)}, which is no longer running\n`
        : `warning: removing the unreadable lock ${path}\n`,
    );
    removeStale(path, other, holder.token);
  }
  throw new PlasticityError('E_LOCKED', `${dir}: another run took the lock ${path} at the same time`, {
    dir,
    lock: path,
  });
}
