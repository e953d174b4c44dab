import { nodeIo } from './node-io.js';

/**
 * Writes `data` to `path` atomically: a temp file in the same directory, fsync, rename over
 * the target, then fsync of the directory. Readers see the old file or the new one, never a
 * partial one, even if the process dies mid-write.
 */
export async function atomicWriteFile(path: string, data: Uint8Array | string): Promise<void> {
  const { fs, path: p, crypto } = await nodeIo();
  const dir = p.dirname(path);
  const temp = p.join(
    dir,
    `.${p.basename(path)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`,
  );
  let handle: Awaited<ReturnType<typeof fs.open>> | undefined;
  try {
    handle = await fs.open(temp, 'wx');
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temp, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  // Persist the rename itself. Directories cannot be opened for sync on Windows: best effort.
  try {
    const dirHandle = await fs.open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    // not supported here
  }
}
