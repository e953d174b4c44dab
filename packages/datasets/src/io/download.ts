import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PlasticityError } from '@plasticity/core-tensors';
import { tempPathFor } from './atomic-write.js';

export interface DownloadProgress {
  readonly url: string;
  readonly dest: string;
  readonly receivedBytes: number;
  /** From Content-Length; undefined when the server does not say. */
  readonly totalBytes?: number;
  readonly done: boolean;
}

export interface DownloadOptions {
  /** Expected md5 (hex) of the file; a mismatch is E_CHECKSUM and nothing is written. */
  readonly md5?: string;
  readonly onProgress?: (progress: DownloadProgress) => void;
  readonly signal?: AbortSignal;
}

/** md5 (hex) of a file, streamed. */
export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Downloads `url` to `dest`: streams into a temp file beside `dest` while hashing, checks the
 * md5 when given, then renames into place. A failed, aborted or corrupt download leaves no
 * file behind (E_DOWNLOAD for network/HTTP failures, E_CHECKSUM for a wrong md5).
 */
export async function downloadFile(url: string, dest: string, options: DownloadOptions = {}): Promise<void> {
  const { md5, onProgress, signal } = options;
  await mkdir(dirname(dest), { recursive: true });
  const temp = tempPathFor(dest);
  let response: Response;
  try {
    // Ask for the bytes as stored: a transparently decoded body would not match the md5.
    response = await fetch(url, { signal, headers: { 'accept-encoding': 'identity' } });
  } catch (error) {
    throw new PlasticityError(
      'E_DOWNLOAD',
      `download of ${url} failed: ${(error as Error).message}`,
      { url },
      {
        cause: error,
      },
    );
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new PlasticityError(
      'E_DOWNLOAD',
      `download of ${url} failed: HTTP ${response.status} ${response.statusText}`,
      {
        url,
        status: response.status,
      },
    );
  }
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const length = Number(response.headers.get('content-length'));
  const totalBytes = !encoded && Number.isFinite(length) && length > 0 ? length : undefined;
  const hash = createHash('md5');
  let receivedBytes = 0;
  const file = await open(temp, 'w');
  try {
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        await file.write(chunk);
        receivedBytes += chunk.byteLength;
        onProgress?.({ url, dest, receivedBytes, totalBytes, done: false });
      }
    } catch (error) {
      throw new PlasticityError(
        'E_DOWNLOAD',
        `download of ${url} failed: ${(error as Error).message}`,
        { url },
        {
          cause: error,
        },
      );
    } finally {
      await file.close();
    }
    if (totalBytes !== undefined && receivedBytes !== totalBytes) {
      throw new PlasticityError(
        'E_DOWNLOAD',
        `download of ${url} incomplete: received ${receivedBytes} of ${totalBytes} bytes`,
        { url, receivedBytes, totalBytes },
      );
    }
    const actual = hash.digest('hex');
    if (md5 !== undefined && actual !== md5.toLowerCase()) {
      throw new PlasticityError(
        'E_CHECKSUM',
        `checksum mismatch for ${url}: md5 ${actual}, expected ${md5}`,
        {
          url,
          expected: md5,
          actual,
        },
      );
    }
    await rename(temp, dest);
    onProgress?.({ url, dest, receivedBytes, totalBytes, done: true });
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
