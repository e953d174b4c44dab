import type * as H5Wasm from 'h5wasm/node';
import type { Dataset, File as H5File, Metadata } from 'h5wasm/node';
import { PlasticityError } from '@plasticity/core-tensors';
import { formatError } from '../io/errors.js';

type H5Package = typeof H5Wasm.default;
type H5Module = Awaited<H5Package['ready']>;

let moduleReady: Promise<{ h5wasm: H5Package; module: H5Module }> | undefined;
let loaded: H5Module | undefined;

/** Imports h5wasm, an optional peer only SHD needs; E_USAGE says what to install when it is missing. */
async function importH5wasm(): Promise<H5Package> {
  try {
    return (await import('h5wasm/node')).default;
  } catch (error) {
    throw new PlasticityError(
      'E_USAGE',
      `reading SHD (HDF5) needs the optional package h5wasm: npm install h5wasm (${(error as Error).message})`,
      { package: 'h5wasm' },
      { cause: error },
    );
  }
}

/**
 * Loads h5wasm once and switches HDF5 to throwing errors (instead of printing them and returning
 * bad ids). That switch is process-wide for h5wasm.
 */
function h5Module(): Promise<{ h5wasm: H5Package; module: H5Module }> {
  moduleReady ??= importH5wasm().then(async (h5wasm) => {
    const module = await h5wasm.ready;
    module.activate_throwing_error_handler();
    loaded = module;
    return { h5wasm, module };
  });
  return moduleReady;
}

/** The module, once {@link openH5} has loaded it (every reader below needs an open file first). */
function h5(): H5Module {
  if (loaded === undefined) throw new Error('h5wasm is not loaded: open a file with openH5 first');
  return loaded;
}

/** HDF5 class numbers (`H5T_class_t`) the readers below handle. */
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_VLEN = 9;

/** The innermost frame of an HDF5 error stack says what went wrong ("file signature not found"). */
function h5Problem(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const frames = text.split('\n').filter((line) => /#\d+:/.test(line));
  const last = frames[frames.length - 1];
  return last === undefined ? text.trim().split('\n')[0] : last.replace(/^.*?\(\):\s*/, '').trim();
}

/** An open HDF5 file (read-only); `close()` it when done. */
export interface H5Reader {
  readonly path: string;
  /** The dataset at `name`, or undefined when there is none (or it is a group). */
  dataset(name: string): Dataset | undefined;
  close(): void;
}

/** Opens an HDF5 file read-only; a file that is not HDF5 (or is damaged) is E_DATA_FORMAT. */
export async function openH5(path: string): Promise<H5Reader> {
  const { h5wasm } = await h5Module();
  let file: H5File;
  try {
    file = new h5wasm.File(path, 'r');
  } catch (error) {
    throw formatError(path, `not a readable HDF5 file (${h5Problem(error)})`);
  }
  return {
    path,
    dataset(name) {
      let entity: unknown;
      try {
        entity = file.get(name);
      } catch {
        return undefined;
      }
      return entity instanceof h5wasm.Dataset ? entity : undefined;
    },
    close: () => file.close(),
  };
}

/** Reads element `i` of a little/big-endian integer or float (16/32/64 bit) from `view`. */
type ElementReader = (view: DataView, byteOffset: number) => number;

/** IEEE 754 half precision (the published SHD stores spike times as 16-bit floats). */
function readFloat16(view: DataView, offset: number, littleEndian: boolean): number {
  const bits = view.getUint16(offset, littleEndian);
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function elementReader(meta: Metadata, source: string, name: string): ElementReader {
  const { type, size, signed, littleEndian: le } = meta;
  if (type === H5T_FLOAT) {
    if (size === 2) return (v, o) => readFloat16(v, o, le);
    if (size === 4) return (v, o) => v.getFloat32(o, le);
    if (size === 8) return (v, o) => v.getFloat64(o, le);
  }
  if (type === H5T_INTEGER) {
    if (size === 1) return signed ? (v, o) => v.getInt8(o) : (v, o) => v.getUint8(o);
    if (size === 2) return signed ? (v, o) => v.getInt16(o, le) : (v, o) => v.getUint16(o, le);
    if (size === 4) return signed ? (v, o) => v.getInt32(o, le) : (v, o) => v.getUint32(o, le);
    if (size === 8) {
      return signed ? (v, o) => Number(v.getBigInt64(o, le)) : (v, o) => Number(v.getBigUint64(o, le));
    }
  }
  throw formatError(source, `${name} has an unsupported element type (HDF5 class ${type}, ${size} bytes)`);
}

function oneDimensional(dataset: Dataset, source: string, name: string): number {
  const shape = dataset.shape;
  if (shape === null || shape.length !== 1) {
    throw formatError(source, `${name} must be one-dimensional, got shape [${shape?.join(', ') ?? ''}]`);
  }
  return shape[0];
}

/** A 1-D dataset of numbers (integers or floats), as float64. */
export function readNumbers(reader: H5Reader, name: string): Float64Array {
  const dataset = requireDataset(reader, name);
  const length = oneDimensional(dataset, reader.path, name);
  const read = elementReader(dataset.metadata, reader.path, name);
  const raw = readRaw(reader, dataset, name, 0, length);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const size = dataset.metadata.size;
  return Float64Array.from({ length }, (_, i) => read(view, i * size));
}

/** A 1-D dataset of strings. */
export function readStrings(reader: H5Reader, name: string): string[] {
  const dataset = requireDataset(reader, name);
  oneDimensional(dataset, reader.path, name);
  const value = guard(reader.path, name, () => dataset.value);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw formatError(reader.path, `${name} must hold strings`);
  }
  return value as string[];
}

export function requireDataset(reader: H5Reader, name: string): Dataset {
  const dataset = reader.dataset(name);
  if (dataset === undefined) throw formatError(reader.path, `has no dataset /${name}`);
  return dataset;
}

function guard<T>(source: string, name: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw formatError(source, `could not read ${name} (${h5Problem(error)})`);
  }
}

function readRaw(reader: H5Reader, dataset: Dataset, name: string, start: number, count: number): Uint8Array {
  const module = h5();
  const bytes = dataset.metadata.size * count;
  const pointer = module._malloc(Math.max(bytes, 1));
  try {
    guard(reader.path, name, () =>
      module.get_dataset_data(
        dataset.file_id,
        dataset.path,
        [BigInt(count)],
        [BigInt(start)],
        [1n],
        BigInt(pointer),
      ),
    );
    return module.HEAPU8.slice(pointer, pointer + bytes);
  } finally {
    module._free(pointer);
  }
}

/**
 * Reads a 1-D variable-length numeric dataset (`/spikes/times`, `/spikes/units`) in chunks of
 * `chunk` rows, calling `visit(row, values)` with each row as float64 values. Chunks keep the
 * wasm heap small, and each chunk's variable-length buffers are handed back to HDF5.
 */
export function readRagged(
  reader: H5Reader,
  name: string,
  visit: (row: number, values: Float64Array) => void,
  chunk = 512,
): number {
  const dataset = requireDataset(reader, name);
  const rows = oneDimensional(dataset, reader.path, name);
  const meta = dataset.metadata;
  if (meta.type !== H5T_VLEN || meta.vlen_type === undefined) {
    throw formatError(reader.path, `${name} must be a variable-length (ragged) dataset`);
  }
  const inner = meta.vlen_type;
  const read = elementReader(inner, reader.path, name);
  const module = h5();
  for (let start = 0; start < rows; start += chunk) {
    const count = Math.min(chunk, rows - start);
    const counts = [BigInt(count)];
    // hvl_t is { size_t length; void* data } = two uint32 in wasm32.
    const pointer = module._malloc(count * 8);
    let filled = false;
    try {
      guard(reader.path, name, () =>
        module.get_dataset_data(
          dataset.file_id,
          dataset.path,
          counts,
          [BigInt(start)],
          [1n],
          BigInt(pointer),
        ),
      );
      filled = true;
      const heap = module.HEAPU8;
      const pairs = new DataView(heap.buffer, heap.byteOffset + pointer, count * 8);
      const view = new DataView(heap.buffer);
      for (let r = 0; r < count; r++) {
        const length = pairs.getUint32(r * 8, true);
        const data = pairs.getUint32(r * 8 + 4, true);
        if (data + length * inner.size > heap.byteLength) {
          throw formatError(reader.path, `${name} row ${start + r} points outside the data read`);
        }
        const values = new Float64Array(length);
        for (let k = 0; k < length; k++) values[k] = read(view, data + k * inner.size);
        visit(start + r, values);
      }
    } finally {
      if (filled)
        module.reclaim_vlen_memory_count(dataset.file_id, dataset.path, '', BigInt(pointer), counts);
      module._free(pointer);
    }
  }
  return rows;
}
