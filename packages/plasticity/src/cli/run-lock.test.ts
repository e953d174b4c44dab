import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { isPlasticityError } from '@plasticity/core-tensors';
import { tempDir } from './harness.test-util.js';
import { acquireRunLock, lockPathOf } from './run-lock.js';

function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (child.pid === undefined) throw new Error('could not start a process');
  return child.pid;
}

const writeLock = (dir: string, holder: Record<string, unknown>): void =>
  writeFileSync(
    lockPathOf(dir),
    JSON.stringify({ startedAt: '2026-01-01T00:00:00.000Z', token: 'x', ...holder }),
  );

describe('run directory lock', () => {
  test('a second holder fails at once with E_LOCKED naming pid, host and start time; release frees it', () => {
    const dir = join(tempDir('lock'), 'run');
    const lines: string[] = [];
    const lock = acquireRunLock(dir, (l) => lines.push(l));
    const holder = JSON.parse(readFileSync(lockPathOf(dir), 'utf8'));
    expect(holder).toMatchObject({ pid: process.pid, host: hostname() });

    const error = thrown(() => acquireRunLock(dir, (l) => lines.push(l)));
    expect(isPlasticityError(error, 'E_LOCKED')).toBe(true);
    expect(error.message).toBe(
      `${dir} is being written by another run, pid ${process.pid} on ${hostname()} (since ${holder.startedAt}); ` +
        'wait for it to end or choose another --out',
    );
    lock.release();
    expect(existsSync(lockPathOf(dir))).toBe(false);
    acquireRunLock(dir, (l) => lines.push(l)).release();
    expect(lines).toEqual([]);
  });

  test('a stale lock (its process is gone from this host) is taken over with a warning line', () => {
    const dir = join(tempDir('lock-stale'), 'run');
    const pid = deadPid();
    writeLock(dir, { pid, host: hostname() });
    const lines: string[] = [];
    const lock = acquireRunLock(dir, (l) => lines.push(l));
    expect(lines).toEqual([
      `warning: removing the stale lock ${lockPathOf(dir)} of pid ${pid} on ${hostname()} (since 2026-01-01T00:00:00.000Z), which is no longer running\n`,
    ]);
    expect(JSON.parse(readFileSync(lockPathOf(dir), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  test("another host's lock is not broken: E_LOCKED says so and how to remove it", () => {
    const dir = join(tempDir('lock-remote'), 'run');
    writeLock(dir, { pid: deadPid(), host: `not-${hostname()}` });
    const error = thrown(() => acquireRunLock(dir, () => undefined));
    expect(isPlasticityError(error, 'E_LOCKED')).toBe(true);
    expect(error.message).toMatch(
      new RegExp(
        `is locked by pid \\d+ on not-${hostname()} .*another machine; if no run is writing it any more, delete .*run\\.lock$`,
      ),
    );
    expect(existsSync(lockPathOf(dir))).toBe(true);
  });

  test("release leaves a lock that is no longer this holder's alone", () => {
    const dir = join(tempDir('lock-foreign'), 'run');
    const lock = acquireRunLock(dir, () => undefined);
    writeLock(dir, { pid: process.pid, host: hostname(), token: 'someone-else' });
    lock.release();
    expect(existsSync(lockPathOf(dir))).toBe(true);
  });
});
