import { describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atomicWriteFile } from './atomic-write.js';

describe('atomicWriteFile', () => {
  test('writes bytes and text, replaces an existing file, leaves no temp files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
    const file = join(dir, 'a.bin');
    await atomicWriteFile(file, Uint8Array.from([1, 2, 3]));
    expect(Array.from(readFileSync(file))).toEqual([1, 2, 3]);
    writeFileSync(join(dir, 'other.txt'), 'keep');
    await atomicWriteFile(file, 'replaced');
    expect(readFileSync(file, 'utf8')).toBe('replaced');
    expect(readdirSync(dir).sort()).toEqual(['a.bin', 'other.txt']);
  });

  test('a failed rename leaves the target intact and no temp file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
    // Renaming a file over a non-empty directory fails after the temp file was written.
    const target = join(dir, 'sub');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'kept');
    await expect(atomicWriteFile(target, 'new')).rejects.toThrow();
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('kept');
    expect(readdirSync(dir)).toEqual(['sub']);
  });

  test('a missing directory is an error', async () => {
    await expect(atomicWriteFile(join(tmpdir(), 'no-such-dir-plasticity', 'f'), 'x')).rejects.toThrow(
      /ENOENT/,
    );
  });
});
