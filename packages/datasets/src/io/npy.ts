import { formatError } from './errors.js';

export type NpyDtype = 'float32' | 'float64' | 'uint8' | 'int32' | 'int64';

/** Typed storage per dtype. int64 is read into a Float64Array (exact up to 2^53; larger is an error). */
export type NpyData = Float32Array | Float64Array | Uint8Array | Int32Array;

export interface NpyArray {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  /** Row-major (C order) values. */
  readonly data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

const DESCR: Record<string, { dtype: NpyDtype; bytes: number }> = {
  '<f4': { dtype: 'float32', bytes: 4 },
  '<f8': { dtype: 'float64', bytes: 8 },
  '|u1': { dtype: 'uint8', bytes: 1 },
  '<u1': { dtype: 'uint8', bytes: 1 },
  '>u1': { dtype: 'uint8', bytes: 1 },
  '<i4': { dtype: 'int32', bytes: 4 },
  '<i8': { dtype: 'int64', bytes: 8 },
};
const WRITE_DESCR: Record<NpyDtype, string> = {
  float32: '<f4',
  float64: '<f8',
  uint8: '|u1',
  int32: '<i4',
  int64: '<i8',
};

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function headerField(header: string, key: string, pattern: string): string | undefined {
  const match = new RegExp(`['"]${key}['"]\\s*:\\s*${pattern}`).exec(header);
  return match?.[1];
}

function parseHeader(header: string, source: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = headerField(header, 'descr', `['"]([^'"]*)['"]`);
  if (descr === undefined) {
    const structured = /['"]descr['"]\s*:\s*\[/.test(header);
    throw formatError(
      source,
      structured
        ? 'structured (record) dtypes hold events, not a plain array (see parseNpyRecords)'
        : `.npy header has no 'descr': ${header.trim()}`,
    );
  }
  const fortran = headerField(header, 'fortran_order', '(True|False)');
  if (fortran === undefined)
    throw formatError(source, `.npy header has no 'fortran_order': ${header.trim()}`);
  const shapeText = headerField(header, 'shape', '\\(([^)]*)\\)');
  if (shapeText === undefined) throw formatError(source, `.npy header has no 'shape': ${header.trim()}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0)
        throw formatError(source, `bad dimension '${s}' in .npy shape (${shapeText})`);
      return n;
    });
  return { descr, fortran: fortran === 'True', shape };
}

function typedCopy(bytes: Uint8Array, dtype: NpyDtype, count: number, source: string): NpyData {
  // Copy into a fresh, aligned buffer; the data offset in the file need not be aligned.
  const buffer = bytes.slice(0, count * DESCR[WRITE_DESCR[dtype]].bytes).buffer;
  const view = new DataView(buffer);
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(buffer);
    case 'float32': {
      if (littleEndianHost) return new Float32Array(buffer);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      return out;
    }
    case 'float64': {
      if (littleEndianHost) return new Float64Array(buffer);
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      return out;
    }
    case 'int32': {
      if (littleEndianHost) return new Int32Array(buffer);
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, true);
      return out;
    }
    case 'int64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const v = view.getBigInt64(8 * i, true);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
          throw formatError(
            source,
            `int64 value ${v} at flat index ${i} is beyond 2^53 and cannot be read exactly`,
          );
        }
        out[i] = Number(v);
      }
      return out;
    }
  }
}

/** The header text and where the data starts, after checking magic and version. */
function npyPreamble(bytes: Uint8Array, source: string): { header: string; dataStart: number } {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw formatError(source, 'not a .npy file (missing \\x93NUMPY magic)');
  }
  const major = bytes[6];
  const minor = bytes[7];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw formatError(source, 'truncated .npy header');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw formatError(source, `unsupported .npy format version ${major}.${minor}`);
  }
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) {
    throw formatError(source, `truncated .npy header: needs ${dataStart} bytes, file has ${bytes.length}`);
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, dataStart),
  );
  return { header, dataStart };
}

/**
 * Parses `.npy` bytes (format versions 1.0, 2.0 and 3.0): little-endian float32, float64,
 * uint8, int32 or int64 in C order. Fortran order, big-endian data, other dtypes and
 * truncated data are E_DATA_FORMAT errors naming `source`.
 */
export function parseNpy(bytes: Uint8Array, source = '<bytes>'): NpyArray {
  const { header, dataStart } = npyPreamble(bytes, source);
  const { descr, fortran, shape } = parseHeader(header, source);
  const kind = DESCR[descr];
  if (kind === undefined) {
    if (descr.startsWith('>') && DESCR[`<${descr.slice(1)}`] !== undefined) {
      throw formatError(
        source,
        `big-endian dtype '${descr}' is not supported; save little-endian ('<' order)`,
        {
          descr,
        },
      );
    }
    throw formatError(
      source,
      `unsupported dtype '${descr}' (supported: float32 '<f4', float64 '<f8', uint8 '|u1', int32 '<i4', int64 '<i8')`,
      { descr },
    );
  }
  if (fortran) {
    throw formatError(
      source,
      'Fortran-order arrays are not supported; save with np.ascontiguousarray (C order)',
    );
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const needed = count * kind.bytes;
  const available = bytes.length - dataStart;
  if (available < needed) {
    throw formatError(
      source,
      `truncated data: shape (${shape.join(', ')}) of ${kind.dtype} needs ${needed} bytes, found ${available}`,
      { needed, available },
    );
  }
  if (available > needed) {
    throw formatError(
      source,
      `size mismatch: shape (${shape.join(', ')}) needs ${needed} data bytes, found ${available}`,
    );
  }
  return { dtype: kind.dtype, shape, data: typedCopy(bytes.subarray(dataStart), kind.dtype, count, source) };
}

function dtypeOf(data: ArrayLike<number>): NpyDtype {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int32Array) return 'int32';
  return 'float32';
}

export interface NpyInput {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
  /** Defaults from the array type: Float64Array → float64, Uint8Array → uint8, Int32Array → int32, else float32. */
  readonly dtype?: NpyDtype;
}

/** Encodes an array as `.npy` (format 1.0, or 2.0 when the header needs it), C order, little-endian. */
export function encodeNpy(array: NpyInput): Uint8Array {
  const dtype = array.dtype ?? dtypeOf(array.data);
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (count !== array.data.length) {
    throw new RangeError(`shape [${array.shape.join(', ')}] needs ${count} values, got ${array.data.length}`);
  }
  const shapeText = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${WRITE_DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const version = header.length + 11 > 0xffff ? 2 : 1;
  const prefix = version === 1 ? 10 : 12;
  // numpy pads the header with spaces so the data starts on a 64-byte boundary.
  const total = Math.ceil((prefix + header.length + 1) / 64) * 64;
  header = header.padEnd(total - prefix - 1, ' ') + '\n';
  const itemBytes = DESCR[WRITE_DESCR[dtype]].bytes;
  const out = new Uint8Array(total + count * itemBytes);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  for (let i = 0; i < count; i++) {
    const v = array.data[i];
    const at = total + i * itemBytes;
    switch (dtype) {
      case 'float32':
        view.setFloat32(at, v, true);
        break;
      case 'float64':
        view.setFloat64(at, v, true);
        break;
      case 'uint8':
        view.setUint8(at, v);
        break;
      case 'int32':
        view.setInt32(at, v, true);
        break;
      case 'int64':
        view.setBigInt64(at, BigInt(Math.trunc(v)), true);
        break;
    }
  }
  return out;
}

/**
 * Class labels from a `.npy` array: 1-D (or `[N, 1]`), whole numbers ≥ 0, as Int32Array.
 * Floats holding whole numbers are accepted (many label files are saved as float).
 */
export function npyLabels(array: NpyArray, source = '<labels>'): Int32Array {
  const { shape, data } = array;
  if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1))) {
    throw formatError(source, `labels must be 1-D (or [N, 1]), got shape (${shape.join(', ')})`);
  }
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
      throw formatError(source, `label ${v} at index ${i} is not a whole number ≥ 0`);
    }
    out[i] = v;
  }
  return out;
}

/** Scalar field types of structured (record) `.npy` arrays, little-endian. */
const RECORD_FIELD: Record<
  string,
  {
    bytes: number;
    read: (view: DataView, at: number) => number;
    write: (view: DataView, at: number, value: number) => void;
  }
> = {
  i1: { bytes: 1, read: (v, at) => v.getInt8(at), write: (v, at, x) => v.setInt8(at, x) },
  u1: { bytes: 1, read: (v, at) => v.getUint8(at), write: (v, at, x) => v.setUint8(at, x) },
  i2: { bytes: 2, read: (v, at) => v.getInt16(at, true), write: (v, at, x) => v.setInt16(at, x, true) },
  u2: { bytes: 2, read: (v, at) => v.getUint16(at, true), write: (v, at, x) => v.setUint16(at, x, true) },
  i4: { bytes: 4, read: (v, at) => v.getInt32(at, true), write: (v, at, x) => v.setInt32(at, x, true) },
  u4: { bytes: 4, read: (v, at) => v.getUint32(at, true), write: (v, at, x) => v.setUint32(at, x, true) },
  i8: {
    bytes: 8,
    read: (v, at) => Number(v.getBigInt64(at, true)),
    write: (v, at, x) => v.setBigInt64(at, BigInt(Math.trunc(x)), true),
  },
  u8: {
    bytes: 8,
    read: (v, at) => Number(v.getBigUint64(at, true)),
    write: (v, at, x) => v.setBigUint64(at, BigInt(Math.trunc(x)), true),
  },
  f4: { bytes: 4, read: (v, at) => v.getFloat32(at, true), write: (v, at, x) => v.setFloat32(at, x, true) },
  f8: { bytes: 8, read: (v, at) => v.getFloat64(at, true), write: (v, at, x) => v.setFloat64(at, x, true) },
};

/** A scalar field type of a record `.npy` (`'<i8'` is `'i8'`). */
export type NpyRecordType = 'i1' | 'u1' | 'i2' | 'u2' | 'i4' | 'u4' | 'i8' | 'u8' | 'f4' | 'f8';

/**
 * Encodes a 1-D structured `.npy` (what `np.save` writes for a record array), e.g. events:
 * `encodeNpyRecords([{ name: 'sample', type: 'i4', values }, { name: 't', type: 'f8', values }, ...])`.
 */
export function encodeNpyRecords(
  fields: readonly {
    readonly name: string;
    readonly type: NpyRecordType;
    readonly values: ArrayLike<number>;
  }[],
): Uint8Array {
  const length = fields[0]?.values.length ?? 0;
  if (fields.some((f) => f.values.length !== length)) throw new RangeError('record fields differ in length');
  const descr = fields.map((f) => `('${f.name}', '${f.type.endsWith('1') ? '|' : '<'}${f.type}')`).join(', ');
  let header = `{'descr': [${descr}], 'fortran_order': False, 'shape': (${length},), }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const itemBytes = fields.reduce((a, f) => a + RECORD_FIELD[f.type].bytes, 0);
  const out = new Uint8Array(total + length * itemBytes);
  out.set(MAGIC, 0);
  out[6] = 1;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  let offset = 0;
  for (const { type, values } of fields) {
    const { bytes, write } = RECORD_FIELD[type];
    for (let r = 0; r < length; r++) write(view, total + r * itemBytes + offset, values[r]);
    offset += bytes;
  }
  return out;
}

/** A structured `.npy` array: one record per row, each named field as float64 values. */
export interface NpyRecords {
  readonly length: number;
  readonly fields: Readonly<Record<string, Float64Array>>;
}

/** Whether `.npy` bytes hold a structured (record) array, from the header alone. */
export function isNpyRecords(bytes: Uint8Array, source = '<bytes>'): boolean {
  return /['"]descr['"]\s*:\s*\[/.test(npyPreamble(bytes, source).header);
}

/**
 * Parses a 1-D structured `.npy` array (`np.save` of a record array, e.g. events with fields
 * `t`, `x`, `y`, `p`): scalar little-endian integer and float fields (`i1`–`i8`, `u1`–`u8`,
 * `f4`, `f8`) and padding (`V`). Sub-array fields, big-endian and other types are E_DATA_FORMAT.
 */
export function parseNpyRecords(bytes: Uint8Array, source = '<bytes>'): NpyRecords {
  const { header, dataStart } = npyPreamble(bytes, source);
  const list = /['"]descr['"]\s*:\s*\[(.*)\]\s*,\s*['"]fortran_order/s.exec(header)?.[1];
  if (list === undefined) throw formatError(source, 'not a structured (record) .npy array');
  const shapeText = headerField(header, 'shape', '\\(([^)]*)\\)') ?? '';
  const dims = shapeText
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean)
    .map(Number);
  if (dims.length !== 1 || !Number.isInteger(dims[0])) {
    throw formatError(source, `a record array must be 1-D, one record per row; shape is (${shapeText})`);
  }
  const length = dims[0];
  const layout: { name: string; offset: number; read?: (typeof RECORD_FIELD)[string] }[] = [];
  let itemBytes = 0;
  for (const match of list.matchAll(/\(\s*['"]([^'"]*)['"]\s*,\s*['"]([^'"]*)['"]\s*(,[^)]*)?\)/g)) {
    const [, name, type, extra] = match;
    if (extra !== undefined && extra.replace(/[,\s]/g, '') !== '') {
      throw formatError(source, `field '${name}' is a sub-array; use one scalar field per value`);
    }
    const padding = /^[|<>]?V(\d+)$/.exec(type);
    if (padding) {
      itemBytes += Number(padding[1]);
      continue;
    }
    const field = /^[<|]([iuf]\d)$/.exec(type)?.[1];
    const read = field === undefined ? undefined : RECORD_FIELD[field];
    if (read === undefined) {
      throw formatError(
        source,
        `field '${name}' has type '${type}'; supported: little-endian integers (i1–i8, u1–u8) and floats (f4, f8)`,
        { field: name, type },
      );
    }
    layout.push({ name, offset: itemBytes, read });
    itemBytes += read.bytes;
  }
  if (layout.length === 0) throw formatError(source, `no fields in the record dtype [${list}]`);
  const available = bytes.length - dataStart;
  if (available !== length * itemBytes) {
    throw formatError(
      source,
      `size mismatch: ${length} records of ${itemBytes} bytes need ${length * itemBytes} data bytes, found ${available}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart, available);
  const fields: Record<string, Float64Array> = {};
  for (const { name, offset, read } of layout) {
    const values = new Float64Array(length);
    for (let r = 0; r < length; r++) values[r] = read!.read(view, r * itemBytes + offset);
    fields[name] = values;
  }
  return { length, fields };
}
