import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isPlasticityError } from '@plasticity/core-tensors';
import { tempDir } from '../testing/temp-dir.js';
import { readIdx } from './files.js';
import { encodeIdx, parseIdx } from './idx.js';

let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(() => dir.remove());

const images = Uint8Array.from({ length: 3 * 2 * 2 }, (_, i) => i * 7);
const imageBytes = encodeIdx([3, 2, 2], images);

async function expectFormatError(promise: Promise<unknown>, ...fragments: string[]): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isPlasticityError(error, 'E_DATA_FORMAT')).toBe(true);
  for (const f of fragments) expect((error as Error).message).toContain(f);
}

describe('IDX', () => {
  test('encode/parse round trip with header checks', () => {
    expect(Array.from(imageBytes.subarray(0, 8))).toEqual([0, 0, 8, 3, 0, 0, 0, 3]);
    const parsed = parseIdx(imageBytes, 'x', 'images');
    expect(parsed.dims).toEqual([3, 2, 2]);
    expect(parsed.data).toEqual(images);
  });

  test('reads gzipped and raw files alike', async () => {
    const raw = join(dir.path, 'a-idx3-ubyte');
    const gz = join(dir.path, 'a-idx3-ubyte.gz');
    await writeFile(raw, imageBytes);
    await writeFile(gz, gzipSync(imageBytes));
    expect((await readIdx(raw, 'images')).data).toEqual(images);
    expect((await readIdx(gz, 'images')).data).toEqual(images);
  });

  test('truncated gzip names the file and says truncated', async () => {
    const path = join(dir.path, 'trunc.gz');
    const gz = gzipSync(imageBytes);
    await writeFile(path, gz.subarray(0, gz.length - 10));
    await expectFormatError(readIdx(path, 'images'), path, 'truncated gzip');
  });

  test('wrong magic for the expected kind', async () => {
    const path = join(dir.path, 'labels-as-images');
    await writeFile(path, encodeIdx([4], Uint8Array.of(1, 2, 3, 4)));
    await expectFormatError(readIdx(path, 'images'), path, 'wrong magic number 0x00000801', '0x00000803');
  });

  test('not IDX at all, unsupported type', () => {
    expect(() => parseIdx(Uint8Array.of(1, 2, 3, 4, 5), 'f')).toThrow(/not an IDX file/);
    const floats = Uint8Array.of(0, 0, 0x0d, 1, 0, 0, 0, 0);
    expect(() => parseIdx(floats, 'f')).toThrow(/unsupported IDX data type 0xd/);
  });

  test('size mismatch: truncated data and extra bytes', () => {
    expect(() => parseIdx(imageBytes.subarray(0, imageBytes.length - 1), 'short', 'images')).toThrow(
      /short: truncated data: dimensions \[3, 2, 2\] need 12 bytes, found 11/,
    );
    const long = new Uint8Array(imageBytes.length + 2);
    long.set(imageBytes);
    expect(() => parseIdx(long, 'long', 'images')).toThrow(/long: size mismatch.*2 extra/);
    expect(() => parseIdx(imageBytes.subarray(0, 10), 'hdr', 'images')).toThrow(/truncated IDX header/);
  });
});
