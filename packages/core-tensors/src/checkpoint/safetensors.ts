// The safetensors format (huggingface/safetensors): 8-byte little-endian header length N, a
// UTF-8 JSON header of N bytes ({name: {dtype, shape, data_offsets: [begin, end]}} plus an
// optional "__metadata__" string map), then the raw little-endian tensor bytes, offsets
// relative to the end of the header. Pure codec: no tfjs, no file system.
import { PlasticityError } from '../errors/plasticity-error.js';

export type HostDtype = 'float32' | 'int32' | 'bool';

/** A tensor in host memory, in tfjs' dtypes. */
export interface HostTensor {
  readonly dtype: HostDtype;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array | Uint8Array;
}

export interface DecodedSafetensors {
  readonly tensors: Record<string, HostTensor>;
  readonly metadata: Record<string, string>;
}

const BYTES: Readonly<Record<string, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  U64: 8,
  I32: 4,
  U32: 4,
  I16: 2,
  U16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};
const WRITE_DTYPE: Readonly<Record<HostDtype, string>> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };
const MAX_HEADER = 100_000_000; // the reference implementation's limit
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function fail(source: string, problem: string, details: Record<string, unknown> = {}): never {
  throw new PlasticityError('E_CHECKPOINT', `${source}: ${problem}`, { file: source, ...details });
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Serialises tensors (sorted by name) and string metadata to safetensors bytes. */
export function encodeSafetensors(
  tensors: Readonly<Record<string, HostTensor>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string')
        throw new PlasticityError('E_USAGE', `safetensors metadata "${key}" must be a string`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__')
      throw new PlasticityError('E_USAGE', 'a tensor cannot be named "__metadata__"');
    const { dtype, shape, data } = tensors[name];
    const code = WRITE_DTYPE[dtype];
    if (!code) throw new PlasticityError('E_USAGE', `tensor "${name}": dtype ${dtype} cannot be saved`);
    if (data.length !== sizeOf(shape)) {
      throw new PlasticityError('E_SHAPE', `tensor "${name}": ${data.length} values for shape [${shape}]`);
    }
    const bytes = data.length * BYTES[code];
    header[name] = { dtype: code, shape: [...shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  // Pad with spaces to 8 bytes so the data that follows is aligned (as the reference writer does).
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const spaced = new Uint8Array(padded).fill(0x20);
    spaced.set(json);
    json = spaced;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const name of names) {
    const { dtype, data } = tensors[name];
    if (LITTLE_ENDIAN) {
      out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
      at += data.byteLength;
    } else {
      for (let i = 0; i < data.length; i++, at += dtype === 'bool' ? 1 : 4) {
        if (dtype === 'float32') view.setFloat32(at, data[i], true);
        else if (dtype === 'int32') view.setInt32(at, data[i], true);
        else out[at] = data[i];
      }
    }
  }
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function decodeData(
  code: string,
  view: DataView,
  start: number,
  count: number,
  name: string,
  source: string,
): { dtype: HostDtype; data: HostTensor['data'] } {
  const bytes = new Uint8Array(view.buffer, view.byteOffset + start, count * BYTES[code]);
  if (code === 'F32' || code === 'I32') {
    const copy = LITTLE_ENDIAN ? bytes.slice().buffer : undefined;
    if (code === 'F32') {
      const out = copy ? new Float32Array(copy) : new Float32Array(count);
      if (!copy) for (let i = 0; i < count; i++) out[i] = view.getFloat32(start + 4 * i, true);
      return { dtype: 'float32', data: out };
    }
    const out = copy ? new Int32Array(copy) : new Int32Array(count);
    if (!copy) for (let i = 0; i < count; i++) out[i] = view.getInt32(start + 4 * i, true);
    return { dtype: 'int32', data: out };
  }
  if (code === 'BOOL') return { dtype: 'bool', data: bytes.slice() };
  if (code === 'F64' || code === 'F16' || code === 'BF16') {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      if (code === 'F64') out[i] = view.getFloat64(start + 8 * i, true);
      else if (code === 'F16') out[i] = halfToFloat(view.getUint16(start + 2 * i, true));
      else out[i] = new Float32Array(new Uint32Array([view.getUint16(start + 2 * i, true) << 16]).buffer)[0];
    }
    return { dtype: 'float32', data: out };
  }
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const at = start + BYTES[code] * i;
    let v: number | bigint;
    if (code === 'I64') v = view.getBigInt64(at, true);
    else if (code === 'U64') v = view.getBigUint64(at, true);
    else if (code === 'U32') v = view.getUint32(at, true);
    else if (code === 'I16') v = view.getInt16(at, true);
    else if (code === 'U16') v = view.getUint16(at, true);
    else if (code === 'I8') v = view.getInt8(at);
    else v = view.getUint8(at);
    const n = Number(v);
    if (n < -(2 ** 31) || n >= 2 ** 31)
      fail(source, `tensor "${name}" (${code}) holds ${v}, outside int32`, { tensor: name });
    out[i] = n;
  }
  return { dtype: 'int32', data: out };
}

/**
 * Parses safetensors bytes, validating the header, dtypes, shapes and offsets (no gaps, no
 * overlaps, nothing past the end). `source` names the file in errors (E_CHECKPOINT).
 * Float types become float32, integer types int32 (range-checked), BOOL bool.
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): DecodedSafetensors {
  if (bytes.length < 8) fail(source, `truncated: ${bytes.length} bytes, fewer than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER))
    fail(source, `header length ${headerLength} is implausible: not a safetensors file?`);
  const n = Number(headerLength);
  if (8 + n > bytes.length)
    fail(source, `truncated: the header says ${n} bytes, only ${bytes.length - 8} follow`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (error) {
    fail(
      source,
      `header is not valid UTF-8 JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    fail(source, 'header is not a JSON object');
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const tensors: Record<string, HostTensor> = {};
  let metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      const ok =
        entry !== null &&
        typeof entry === 'object' &&
        Object.values(entry).every((v) => typeof v === 'string');
      if (!ok) fail(source, '__metadata__ must map strings to strings');
      metadata = { ...(entry as Record<string, string>) };
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as Record<string, unknown>;
    if (typeof dtype !== 'string' || !(dtype in BYTES)) {
      fail(source, `tensor "${name}" has unsupported dtype ${JSON.stringify(dtype)}`, { tensor: name });
    }
    const goodShape = Array.isArray(shape) && shape.every((d) => Number.isSafeInteger(d) && d >= 0);
    if (!goodShape)
      fail(source, `tensor "${name}" has a bad shape ${JSON.stringify(shape)}`, { tensor: name });
    const goodOffsets =
      Array.isArray(offsets) &&
      offsets.length === 2 &&
      offsets.every((o) => Number.isSafeInteger(o) && o >= 0);
    if (!goodOffsets)
      fail(source, `tensor "${name}" has bad data_offsets ${JSON.stringify(offsets)}`, { tensor: name });
    const [begin, end] = offsets as [number, number];
    const count = sizeOf(shape as number[]);
    if (end - begin !== count * BYTES[dtype]) {
      fail(
        source,
        `tensor "${name}": data_offsets span ${end - begin} bytes, shape [${shape}] ${dtype} needs ${count * BYTES[dtype]}`,
        {
          tensor: name,
        },
      );
    }
    if (end > dataLength) {
      fail(
        source,
        `truncated: tensor "${name}" ends at byte ${end} of the data, which has only ${dataLength}`,
        { tensor: name },
      );
    }
    spans.push([begin, end, name]);
    tensors[name] = {
      shape: [...(shape as number[])],
      ...decodeData(dtype, view, dataStart + begin, count, name, source),
    };
  }
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let covered = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== covered)
      fail(source, `tensor "${name}" starts at ${begin}, expected ${covered} (gap or overlap)`, {
        tensor: name,
      });
    covered = end;
  }
  if (covered !== dataLength)
    fail(source, `${dataLength - covered} bytes after the last tensor (corrupt or not safetensors)`);
  return { tensors, metadata };
}
