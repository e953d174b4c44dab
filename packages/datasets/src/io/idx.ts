import { formatError } from './errors.js';
import { maybeGunzip } from './gzip.js';

/** An IDX array of unsigned bytes (the MNIST family's type 0x08). */
export interface IdxArray {
  /** Dimensions from the header, e.g. `[60000, 28, 28]`. */
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

/** What a caller expects: MNIST images are magic 0x00000803 (rank 3), labels 0x00000801 (rank 1). */
export type IdxKind = 'images' | 'labels';

const MAGIC: Record<IdxKind, number> = { images: 0x00000803, labels: 0x00000801 };
const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

/**
 * Parses uncompressed IDX bytes: big-endian magic `00 00 type rank`, `rank` big-endian int32
 * dimensions, then the data. Only unsigned-byte data (type 0x08) is supported. `kind` also
 * checks the magic number; the data must be exactly as long as the dimensions say.
 */
export function parseIdx(bytes: Uint8Array, source = '<bytes>', kind?: IdxKind): IdxArray {
  if (bytes.length < 4) throw formatError(source, `too short for an IDX header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (kind !== undefined && magic !== MAGIC[kind]) {
    throw formatError(
      source,
      `wrong magic number ${hex(magic)} for IDX ${kind} (expected ${hex(MAGIC[kind])})`,
      {
        magic,
      },
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) throw formatError(source, `not an IDX file (magic ${hex(magic)})`);
  if (bytes[2] !== 0x08) {
    throw formatError(
      source,
      `unsupported IDX data type 0x${bytes[2].toString(16)} (only unsigned bytes, 0x08)`,
    );
  }
  const rank = bytes[3];
  if (rank === 0) throw formatError(source, 'IDX rank is 0');
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw formatError(
      source,
      `truncated IDX header: ${rank} dimensions need ${headerBytes} bytes, file has ${bytes.length}`,
    );
  }
  const dims: number[] = [];
  let expected = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getInt32(4 + 4 * i);
    if (d < 0) throw formatError(source, `negative IDX dimension ${d} at position ${i}`);
    dims.push(d);
    expected *= d;
  }
  const actual = bytes.length - headerBytes;
  if (actual !== expected) {
    const problem =
      actual < expected
        ? `truncated data: dimensions [${dims.join(', ')}] need ${expected} bytes, found ${actual}`
        : `size mismatch: dimensions [${dims.join(', ')}] need ${expected} bytes, found ${actual} (${actual - expected} extra)`;
    throw formatError(source, problem, { dims, expected, actual });
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Parses IDX bytes, gzipped (detected by the magic bytes) or raw, and validates them. */
export async function decodeIdx(bytes: Uint8Array, source = '<bytes>', kind?: IdxKind): Promise<IdxArray> {
  return parseIdx(await maybeGunzip(bytes, source), source, kind);
}

/** Encodes unsigned bytes as IDX (for tests and for exporting data). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new RangeError(`dims [${dims.join(', ')}] need ${count} bytes, got ${data.length}`);
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x0800 | dims.length);
  dims.forEach((d, i) => view.setInt32(4 + 4 * i, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
