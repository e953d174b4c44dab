import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isPlasticityError } from '@plasticity/core-tensors';
import { tempDir } from '../testing/temp-dir.js';
import { readNpy, writeNpy } from './files.js';
import { encodeNpy, npyLabels, parseNpy } from './npy.js';

let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(() => dir.remove());

/** A .npy file built by hand, the way numpy lays it out: magic, version, header length, header, data. */
function handMade(header: string, data: Uint8Array, major = 1): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  const out = new Uint8Array(prefix + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(data, prefix + header.length);
  return out;
}

const le = (values: number[], bytes: 4 | 8, float: boolean): Uint8Array => {
  const out = new Uint8Array(values.length * bytes);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (bytes === 4) {
      if (float) view.setFloat32(i * 4, v, true);
      else view.setInt32(i * 4, v, true);
    } else if (float) view.setFloat64(i * 8, v, true);
    else view.setBigInt64(i * 8, BigInt(v), true);
  });
  return out;
};

function expectFormatError(fn: () => unknown, pattern: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(isPlasticityError(error, 'E_DATA_FORMAT')).toBe(true);
  expect((error as Error).message).toMatch(pattern);
}

describe('.npy reader', () => {
  test('float32 [2, 3], version 1.0 as numpy writes it', () => {
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }".padEnd(117, ' ') + '\n';
    const array = parseNpy(handMade(header, le([0, 1.5, -2, 3.25, 4, 5], 4, true)));
    expect(array.dtype).toBe('float32');
    expect(array.shape).toEqual([2, 3]);
    expect(array.data).toBeInstanceOf(Float32Array);
    expect(Array.from(array.data)).toEqual([0, 1.5, -2, 3.25, 4, 5]);
  });

  test('float64, int32, int64 (to Float64Array), uint8; version 2.0; old-style 3L shapes; scalars', () => {
    const f8 = parseNpy(
      handMade("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }\n", le([0.1, 0.2, 1e300], 8, true)),
    );
    expect(Array.from(f8.data)).toEqual([0.1, 0.2, 1e300]);
    const i4 = parseNpy(
      handMade(
        "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }\n",
        le([-7, 2 ** 31 - 1], 4, false),
        2,
      ),
    );
    expect(i4.data).toBeInstanceOf(Int32Array);
    expect(Array.from(i4.data)).toEqual([-7, 2 ** 31 - 1]);
    const i8 = parseNpy(
      handMade("{'descr': '<i8', 'fortran_order': False, 'shape': (2L,), }\n", le([3, -4], 8, false)),
    );
    expect(i8.dtype).toBe('int64');
    expect(Array.from(i8.data)).toEqual([3, -4]);
    const u1 = parseNpy(
      handMade(
        "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }\n",
        Uint8Array.of(0, 1, 254, 255),
      ),
    );
    expect(u1.data).toEqual(Uint8Array.of(0, 1, 254, 255));
    const scalar = parseNpy(
      handMade("{'descr': '<f4', 'fortran_order': False, 'shape': (), }\n", le([2.5], 4, true)),
    );
    expect(scalar.shape).toEqual([]);
    expect(Array.from(scalar.data)).toEqual([2.5]);
  });

  test('rejects Fortran order, big-endian, unsupported and structured dtypes with clear errors', () => {
    const data = le([1, 2], 4, true);
    expectFormatError(
      () => parseNpy(handMade("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }\n", data), 'f.npy'),
      /^f\.npy: Fortran-order/,
    );
    expectFormatError(
      () => parseNpy(handMade("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }\n", data), 'b.npy'),
      /^b\.npy: big-endian dtype '>f4'/,
    );
    expectFormatError(
      () =>
        parseNpy(
          handMade("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }\n", le([1, 2], 4, true)),
          'c.npy',
        ),
      /unsupported dtype '<c8'/,
    );
    expectFormatError(
      () =>
        parseNpy(
          handMade("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }\n", data),
          's.npy',
        ),
      /structured/,
    );
  });

  test('rejects bad magic, truncated header, truncated data, extra data, int64 beyond 2^53', () => {
    expectFormatError(
      () => parseNpy(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 'x.npy'),
      /x\.npy: not a \.npy file/,
    );
    const good = handMade(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }\n",
      le([1, 2, 3, 4], 4, true),
    );
    expectFormatError(() => parseNpy(good.subarray(0, 30), 'h.npy'), /truncated \.npy header/);
    expectFormatError(
      () => parseNpy(good.subarray(0, good.length - 3), 't.npy'),
      /t\.npy: truncated data: shape \(4\) of float32 needs 16 bytes, found 13/,
    );
    const extra = new Uint8Array(good.length + 4);
    extra.set(good);
    expectFormatError(() => parseNpy(extra, 'e.npy'), /size mismatch/);
    const huge = new Uint8Array(8);
    new DataView(huge.buffer).setBigInt64(0, 2n ** 60n, true);
    expectFormatError(
      () => parseNpy(handMade("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }\n", huge), 'i.npy'),
      /beyond 2\^53/,
    );
  });
});

describe('.npy writer', () => {
  test('header is 64-byte aligned, ends in newline, and the file round-trips', () => {
    const data = Float32Array.from({ length: 12 }, (_, i) => i / 3);
    const bytes = encodeNpy({ data, shape: [3, 4] });
    const headerLength = new DataView(bytes.buffer).getUint16(8, true);
    expect((10 + headerLength) % 64).toBe(0);
    expect(bytes[10 + headerLength - 1]).toBe(0x0a);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
    expect(header).toContain("'descr': '<f4', 'fortran_order': False, 'shape': (3, 4),");
    const back = parseNpy(bytes);
    expect(back.shape).toEqual([3, 4]);
    expect(back.data).toEqual(data);
  });

  test('dtype follows the array type; 1-D shapes use (n,); int64 written on request', () => {
    expect(parseNpy(encodeNpy({ data: Float64Array.of(0.1), shape: [1] })).dtype).toBe('float64');
    expect(parseNpy(encodeNpy({ data: Uint8Array.of(9, 8), shape: [2] })).data).toEqual(Uint8Array.of(9, 8));
    expect(parseNpy(encodeNpy({ data: Int32Array.of(-1, 5), shape: [2] })).data).toEqual(
      Int32Array.of(-1, 5),
    );
    const i8 = parseNpy(encodeNpy({ data: [7, -9], shape: [2], dtype: 'int64' }));
    expect([i8.dtype, ...Array.from(i8.data)]).toEqual(['int64', 7, -9]);
    expect(new TextDecoder().decode(encodeNpy({ data: [1], shape: [1] }).subarray(10, 70))).toContain(
      "'shape': (1,)",
    );
    expect(() => encodeNpy({ data: [1, 2, 3], shape: [2] })).toThrow(RangeError);
  });

  test('writeNpy writes atomically (no temp files left) and readNpy reads it back', async () => {
    const path = join(dir.path, 'x.npy');
    await writeNpy(path, { data: Float32Array.of(1, 2, 3, 4), shape: [2, 2] });
    expect(await readdir(dir.path)).toEqual(['x.npy']);
    const array = await readNpy(path);
    expect(Array.from(array.data)).toEqual([1, 2, 3, 4]);
    expect((await readNpy(new Uint8Array(await readFile(path)))).shape).toEqual([2, 2]);
  });

  test('npyLabels accepts whole numbers in any dtype and rejects the rest', () => {
    expect(npyLabels({ dtype: 'float32', shape: [3], data: Float32Array.of(0, 2, 1) })).toEqual(
      Int32Array.of(0, 2, 1),
    );
    expect(npyLabels({ dtype: 'int64', shape: [2, 1], data: Float64Array.of(4, 5) })).toEqual(
      Int32Array.of(4, 5),
    );
    expectFormatError(
      () => npyLabels({ dtype: 'float32', shape: [2], data: Float32Array.of(0, 0.5) }, 'y.npy'),
      /y\.npy: label 0\.5/,
    );
    expectFormatError(
      () => npyLabels({ dtype: 'int32', shape: [1, 2], data: Int32Array.of(0, 1) }, 'y.npy'),
      /1-D/,
    );
  });
});
