import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { atomicWriteFile } from '@plasticity/core-tensors';
import { basename, dirname, join } from 'node:path';

/** A temp path next to `path` (same directory, so the final rename is atomic). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Creates the parent directory, then writes through core's atomic (temp + fsync + rename) writer. */
export async function atomicWrite(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await atomicWriteFile(path, data);
}
