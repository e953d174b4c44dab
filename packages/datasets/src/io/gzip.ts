import { formatError } from './errors.js';

/** True when the bytes start with the gzip magic `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Inflates gzip bytes, or returns plain bytes unchanged. Uses `DecompressionStream`, which
 * browsers and Node (>= 18) both have. Truncated or corrupt gzip is E_DATA_FORMAT.
 */
export async function maybeGunzip(bytes: Uint8Array, source: string): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    // Node's zlib marks an early end as Z_BUF_ERROR; browsers only say the data was bad.
    const truncated =
      (error as { code?: string }).code === 'Z_BUF_ERROR' || /unexpected end/i.test(String(error));
    const reason = truncated ? 'truncated gzip data' : 'corrupt gzip data';
    throw formatError(source, `${reason} (${(error as Error).message})`);
  }
}
