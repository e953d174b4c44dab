import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isPlasticityError } from '@plasticity/core-tensors';
import { serveFiles } from '../testing/http-server.js';
import type { TestServer } from '../testing/http-server.js';
import { md5 } from '../testing/mnist-fixture.js';
import { tempDir } from '../testing/temp-dir.js';
import type { DownloadProgress } from './download.js';
import { downloadFile, md5File } from './download.js';

const payload = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 13) % 251);
let server: TestServer;
let dir: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  server = await serveFiles({ 'data.bin': payload });
  dir = await tempDir();
});
afterAll(async () => {
  await server.close();
  await dir.remove();
});

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: Error) => e,
  );
}

describe('downloadFile', () => {
  test('downloads, verifies md5, reports progress, leaves only the file', async () => {
    const dest = join(dir.path, 'ok', 'data.bin');
    const progress: DownloadProgress[] = [];
    await downloadFile(`${server.baseUrl}data.bin`, dest, {
      md5: md5(payload),
      onProgress: (p) => progress.push(p),
    });
    expect(new Uint8Array(await readFile(dest))).toEqual(payload);
    expect(await md5File(dest)).toBe(md5(payload));
    expect(await readdir(join(dir.path, 'ok'))).toEqual(['data.bin']);
    const last = progress[progress.length - 1];
    expect(last).toMatchObject({ done: true, receivedBytes: payload.length, totalBytes: payload.length });
  });

  test('wrong md5 → E_CHECKSUM and nothing left behind', async () => {
    const sub = join(dir.path, 'bad-md5');
    const error = await errorOf(
      downloadFile(`${server.baseUrl}data.bin`, join(sub, 'data.bin'), { md5: '0'.repeat(32) }),
    );
    expect(isPlasticityError(error, 'E_CHECKSUM')).toBe(true);
    expect(error.message).toContain(md5(payload));
    expect(await readdir(sub)).toEqual([]);
  });

  test('HTTP 404 → E_DOWNLOAD naming the URL; nothing written', async () => {
    const sub = join(dir.path, 'missing');
    const error = await errorOf(downloadFile(`${server.baseUrl}nope.bin`, join(sub, 'nope.bin')));
    expect(isPlasticityError(error, 'E_DOWNLOAD')).toBe(true);
    expect(error.message).toContain(`${server.baseUrl}nope.bin`);
    expect(error.message).toContain('404');
    expect(await readdir(sub)).toEqual([]);
  });

  test('connection dropped mid-body → E_DOWNLOAD; nothing written', async () => {
    const cut = await serveFiles({ 'data.bin': payload }, { truncateTo: 1000 });
    const sub = join(dir.path, 'cut');
    try {
      const error = await errorOf(downloadFile(`${cut.baseUrl}data.bin`, join(sub, 'data.bin')));
      expect(isPlasticityError(error, 'E_DOWNLOAD')).toBe(true);
      expect(await readdir(sub)).toEqual([]);
    } finally {
      await cut.close();
    }
  });

  test('unreachable host → E_DOWNLOAD', async () => {
    const closed = await serveFiles({});
    const url = `${closed.baseUrl}x`;
    await closed.close();
    const error = await errorOf(downloadFile(url, join(dir.path, 'closed', 'x')));
    expect(isPlasticityError(error, 'E_DOWNLOAD')).toBe(true);
  });
});
