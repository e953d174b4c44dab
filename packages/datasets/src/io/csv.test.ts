import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isPlasticityError } from '@plasticity/core-tensors';
import { tempDir } from '../testing/temp-dir.js';
import { parseCsv } from './csv.js';
import { readCsv } from './files.js';

let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(() => dir.remove());

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    expect(isPlasticityError(error, 'E_DATA_FORMAT')).toBe(true);
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('CSV loader', () => {
  test('header detected, label column by name, CRLF and trailing newline', () => {
    const csv = parseCsv('x,y,"label"\r\n0.5,1e-3,2\r\n-1,.25,0\r\n', 'd.csv', { labelColumn: 'label' });
    expect(csv.shape).toEqual([2, 2]);
    expect(Array.from(csv.features)).toEqual([0.5, Math.fround(1e-3), -1, 0.25]);
    expect(csv.labels).toEqual(Int32Array.of(2, 0));
    expect(csv.columns).toEqual(['x', 'y']);
  });

  test('no header, label column by index (negative from the end), other delimiter', () => {
    const csv = parseCsv('1;2;3\n4;5;6\n', 'd.csv', { labelColumn: -1, delimiter: ';' });
    expect(csv.shape).toEqual([2, 2]);
    expect(Array.from(csv.features)).toEqual([1, 2, 4, 5]);
    expect(csv.labels).toEqual(Int32Array.of(3, 6));
    expect(csv.columns).toBeUndefined();
    expect(parseCsv('7,8\n', 'd.csv', { labelColumn: 0 }).labels).toEqual(Int32Array.of(7));
    expect(parseCsv('7,8\n', 'd.csv').labels).toBeUndefined();
  });

  test('NaN, empty and non-numeric cells name file, line and column', () => {
    expect(errorOf(() => parseCsv('a,b\n1,2\n3,NaN\n', 'f.csv')).message).toBe(
      "f.csv: line 3, column 2 ('b'): NaN ('NaN')",
    );
    expect(errorOf(() => parseCsv('1,2\n,4\n', 'f.csv')).message).toBe('f.csv: line 2, column 1: empty cell');
    expect(errorOf(() => parseCsv('1,2\n3,x4\n', 'f.csv', { header: false })).message).toBe(
      "f.csv: line 2, column 2: not a number ('x4')",
    );
    expect(errorOf(() => parseCsv('1,2\n3,inf\n', 'f.csv', { header: false })).message).toMatch(/infinite/);
  });

  test('ragged rows, bad labels, unknown label column', () => {
    expect(errorOf(() => parseCsv('1,2\n3\n', 'f.csv')).message).toBe(
      'f.csv: line 2: expected 2 columns, found 1',
    );
    expect(errorOf(() => parseCsv('1,2.5\n', 'f.csv', { labelColumn: 1 })).message).toMatch(
      /label '2.5' is not a whole number/,
    );
    expect(errorOf(() => parseCsv('a,b\n1,2\n', 'f.csv', { labelColumn: 'c' })).message).toMatch(
      /no column named 'c'/,
    );
    expect(errorOf(() => parseCsv('1,2\n', 'f.csv', { labelColumn: 5 })).message).toMatch(/out of range/);
    expect(errorOf(() => parseCsv('\n\n', 'f.csv')).message).toMatch(/no rows/);
  });

  test('readCsv names the path in errors', async () => {
    const path = join(dir.path, 'bad.csv');
    await writeFile(path, '1,2\n3,nan\n');
    await expect(readCsv(path)).rejects.toThrow(`${path}: line 2, column 2: NaN`);
    const ok = join(dir.path, 'ok.csv');
    await writeFile(ok, 'f,label\n0.5,1\n');
    expect((await readCsv(ok, { labelColumn: 'label' })).labels).toEqual(Int32Array.of(1));
  });
});
