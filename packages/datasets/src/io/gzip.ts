import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';
import { formatError } from './errors.js';

const gunzipAsync = promisify(gunzipCallback);

/** True when the bytes start with the gzip magic `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Inflates gzip bytes, or returns plain bytes unchanged. Truncated or corrupt gzip is E_DATA_FORMAT. */
export async function maybeGunzip(bytes: Uint8Array, source: string): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  try {
    const out = await gunzipAsync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    const reason =
      (error as { code?: string }).code === 'Z_BUF_ERROR' ? 'truncated gzip data' : 'corrupt gzip data';
    throw formatError(source, `${reason} (${(error as Error).message})`);
  }
}
