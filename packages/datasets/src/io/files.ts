import { readFile } from 'node:fs/promises';
import { atomicWrite } from './atomic-write.js';
import type { CsvData, CsvOptions } from './csv.js';
import { parseCsv } from './csv.js';
import type { IdxArray, IdxKind } from './idx.js';
import { decodeIdx } from './idx.js';
import type { NpyArray, NpyInput } from './npy.js';
import { encodeNpy, parseNpy } from './npy.js';

// Node-only: the file-system readers and writer of the byte-level formats.

async function readBytes(path: string): Promise<Uint8Array> {
  const raw = await readFile(path);
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** Reads an IDX file, gzipped (detected by its magic bytes) or raw, and validates it. */
export async function readIdx(path: string, kind?: IdxKind): Promise<IdxArray> {
  return decodeIdx(await readBytes(path), path, kind);
}

/** Reads a `.npy` file (or parses bytes already in memory). */
export async function readNpy(pathOrBytes: string | Uint8Array): Promise<NpyArray> {
  if (typeof pathOrBytes !== 'string') return parseNpy(pathOrBytes);
  return parseNpy(await readBytes(pathOrBytes), pathOrBytes);
}

/** Writes an array as a `.npy` file atomically (temp file + rename). */
export async function writeNpy(path: string, array: NpyInput): Promise<void> {
  await atomicWrite(path, encodeNpy(array));
}

/** Reads a numeric `.csv` file; see {@link parseCsv}. */
export async function readCsv(path: string, options: CsvOptions = {}): Promise<CsvData> {
  return parseCsv(await readFile(path, 'utf8'), path, options);
}
