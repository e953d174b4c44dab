import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { tempDir } from './harness.test-util.js';
import { openUnusedRunDirectory } from './run-lifecycle.js';
import { acquireRunLock } from './run-lock.js';

const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: '/' };

test('a default run directory skips names a run holds or locks (runs started in the same second)', () => {
  const base = join(tempDir('unused'), 'runs', 'backprop-yinyang-20261202-212029');
  // The plain name holds a finished run; `-2` is being written by a live run (this process).
  mkdirSync(base, { recursive: true });
  writeFileSync(join(base, 'config.json'), '{}');
  const busy = acquireRunLock(`${base}-2`, () => undefined);
  try {
    const { out, runDir } = openUnusedRunDirectory(base, 'run-c', io);
    expect(out).toBe(`${base}-3`);
    runDir.close();
    // Freed names are used again, in order.
    const next = openUnusedRunDirectory(base, 'run-d', io);
    expect(next.out).toBe(`${base}-3`);
    next.runDir.close();
  } finally {
    busy.release();
  }
});
