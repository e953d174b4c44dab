import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { isPlasticityError } from '@plasticity/core-tensors';
import { SharedMemoryStore } from './shared-memory-store.js';
import { deltaValue } from './__fixtures__/add-worker.js';

// The threads run the built JavaScript (Node cannot start a worker on TypeScript), so the test
// builds the package first: the threads then run the same sources as the assertions here.
const PACKAGE = fileURLToPath(new URL('../..', import.meta.url));
const WORKER = new URL('../../dist/store/__fixtures__/add-worker.js', import.meta.url);
const EXCHANGE_WORKER = new URL('../../dist/store/__fixtures__/exchange-worker.js', import.meta.url);

beforeAll(() => {
  execFileSync(process.execPath, ['../../node_modules/typescript/bin/tsc', '-b', 'tsconfig.build.json'], {
    cwd: PACKAGE,
    stdio: 'pipe',
  });
}, 120_000);

function runWorker(buffer: SharedArrayBuffer, worker: number, adds: number) {
  return new Promise<{ torn: number; reads: number }>((resolve, reject) => {
    const thread = new Worker(WORKER, { workerData: { buffer, worker, adds } });
    thread.once('message', (message: { torn: number; reads: number; error?: string }) =>
      message.error ? reject(new Error(message.error)) : resolve(message),
    );
    thread.once('error', reject);
  });
}

function runExchanges(
  buffer: SharedArrayBuffer,
  worker: number,
  workers: number,
  exchanges: number,
  x: Float32Array,
) {
  return new Promise<Float32Array>((resolve, reject) => {
    const thread = new Worker(EXCHANGE_WORKER, { workerData: { buffer, worker, workers, exchanges, x } });
    thread.once('message', (message: { x?: Float32Array; error?: string }) =>
      message.x ? resolve(message.x) : reject(new Error(message.error)),
    );
    thread.once('error', reject);
  });
}

describe('SharedMemoryStore', () => {
  test('init: the first caller wins; read returns a copy', async () => {
    const store = SharedMemoryStore.create(5, { shardSize: 2 });
    await expect(store.read()).rejects.toThrow(/not initialised/);
    expect(await store.init(Float32Array.of(1, 2, 3, 4, 5))).toBe(true);
    const other = SharedMemoryStore.fromBuffer(store.buffer);
    expect(await other.init(Float32Array.of(9, 9, 9, 9, 9))).toBe(false);
    const copy = await other.read();
    copy[0] = 100;
    await other.add(Float32Array.of(0.5, 0, 0, 0, -5));
    expect(Array.from(await store.read())).toEqual([1.5, 2, 3, 4, 0]);
    expect([store.version(0), store.version(1), store.version(2)]).toEqual([1, 1, 1]);
  });

  test('wrong lengths and foreign buffers are refused', async () => {
    const store = SharedMemoryStore.create(3);
    await store.init(new Float32Array(3));
    const error = await store.add(new Float32Array(4)).catch((e: unknown) => e);
    expect(isPlasticityError(error, 'E_SHAPE')).toBe(true);
    expect(() => SharedMemoryStore.fromBuffer(new SharedArrayBuffer(64))).toThrow(/not laid out/);
  });

  test('4 threads adding at once: no update lost or doubled, no torn shard read', async () => {
    const shardSize = 4096;
    const length = 3 * shardSize + 100;
    const store = SharedMemoryStore.create(length, { shardSize });
    const shardOf = (i: number) => Math.floor(i / shardSize);
    await store.init(Float32Array.from({ length }, (_, i) => shardOf(i)));
    const threads = 4;
    const adds = 250;
    const results = await Promise.all(
      Array.from({ length: threads }, (_, w) => runWorker(store.buffer, w, adds)),
    );
    expect(results.map((r) => r.torn)).toEqual([0, 0, 0, 0]);
    expect(results.map((r) => r.reads)).toEqual([adds, adds, adds, adds]);
    const center = await store.read();
    for (let s = 0; s < store.shards; s++) {
      let expected = s;
      for (let w = 0; w < threads; w++) for (let t = 0; t < adds; t++) expected += deltaValue(w, t, s);
      const from = s * shardSize;
      const shard = center.subarray(from, Math.min(length, from + shardSize));
      expect(shard.every((v) => v === expected)).toBe(true);
      expect(store.version(s)).toBe(threads * adds);
    }
  });

  test('3 threads exchanging elastically with eta = 0 keep Σ x_i + x̃ exactly (dyadic, alpha = 1/4)', async () => {
    // 3 threads × 3 exchanges: at most 9 adds of quarter-steps on values in [−8, 8], so every
    // float32 operation is exact and any lost or doubled update shows as a changed total.
    const length = 300;
    const threads = 3;
    const integer = (i: number, salt: number) => ((i * 7 + salt * 5) % 17) - 8;
    for (const shardSize of [64, 4096]) {
      const store = SharedMemoryStore.create(length, { shardSize });
      await store.init(Float32Array.from({ length }, (_, i) => integer(i, 11)));
      const starts = Array.from({ length: threads }, (_, w) =>
        Float32Array.from({ length }, (_, i) => integer(i, w)),
      );
      const total = (xs: readonly Float32Array[], center: Float32Array) =>
        Array.from(center, (c, k) => xs.reduce((s, x) => s + x[k], c));
      const before = total(starts, await store.read());
      const finals = await Promise.all(starts.map((x, w) => runExchanges(store.buffer, w, threads, 3, x)));
      const center = await store.read();
      expect(total(finals, center)).toEqual(before);
      expect(finals.some((x, w) => x.some((v, k) => v !== starts[w][k]))).toBe(true);
      expect(store.version(0)).toBe(threads * 3);
    }
  });
});
