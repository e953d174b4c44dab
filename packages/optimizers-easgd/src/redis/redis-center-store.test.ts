import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { isPlasticityError } from '@plasticity/core-tensors';
import { RedisCenterStore } from './redis-center-store.js';
import type { RedisCenterStoreOptions } from './redis-center-store.js';
import { startTestRedis } from '../../../../tools/redis-test/redis-test.js';
import type { TestRedis } from '../../../../tools/redis-test/redis-test.js';

let server: TestRedis;
let centers = 0;
beforeAll(async () => {
  server = await startTestRedis({ appendfsync: 'off' });
});
afterAll(async () => {
  await server.stop();
});

/** A fresh center name per test, with small shards so that a short vector spans several. */
function options(extra: Partial<RedisCenterStoreOptions> = {}): RedisCenterStoreOptions {
  return { url: server.url, center: `test:c${++centers}`, length: 10, shardFloats: 4, ...extra };
}

/** Waits for a condition (a deadline only against hanging; no assertion on time). */
async function until(condition: () => Promise<boolean>, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function withStores<T>(
  count: number,
  opts: RedisCenterStoreOptions,
  run: (stores: RedisCenterStore[]) => Promise<T>,
): Promise<T> {
  const stores = await Promise.all(Array.from({ length: count }, () => RedisCenterStore.connect(opts)));
  try {
    return await run(stores);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
}

describe('RedisCenterStore', () => {
  test('init is first-writer-wins and read returns the values byte for byte', async () => {
    const opts = options();
    await withStores(2, opts, async ([a, b]) => {
      const first = Float32Array.from({ length: 10 }, (_, i) => i * 0.1 - 0.37);
      expect(await a.init(first)).toBe(true);
      expect(await b.init(new Float32Array(10).fill(9))).toBe(false);
      expect(Buffer.from((await b.read()).buffer)).toEqual(Buffer.from(first.buffer));
    });
  });

  test('reading a center that does not exist, or one of another length, is refused', async () => {
    const opts = options();
    await withStores(1, opts, async ([store]) => {
      await expect(store.read()).rejects.toThrow(/does not exist/);
      await store.init(new Float32Array(10));
    });
    const other = await RedisCenterStore.connect({ ...opts, length: 12 });
    await expect(other.read()).rejects.toThrow(/10 values in shards of 4/);
    await expect(other.add(new Float32Array(10))).rejects.toThrow(/has 12 float32 values, got 10/);
    await other.close();
  });

  test('conservation: concurrent clients adding dyadic deltas give the exact total', async () => {
    const opts = options({ length: 37, shardFloats: 8 });
    await withStores(6, opts, async (stores) => {
      const start = Float32Array.from({ length: 37 }, (_, i) => i / 8);
      await stores[0].init(start);
      const rounds = 25;
      // Client c adds (c + 1) / 16 * (j % 3 - 1 + 0.5) to element j, every round: dyadic, exact in float32.
      const deltaOf = (c: number) =>
        Float32Array.from({ length: 37 }, (_, j) => ((c + 1) / 16) * ((j % 3) - 0.5));
      await Promise.all(
        stores.map(async (store, c) => {
          for (let r = 0; r < rounds; r++) await store.add(deltaOf(c));
        }),
      );
      const expected = Float32Array.from(start, (x, j) => {
        let sum = x;
        for (let c = 0; c < stores.length; c++) sum += rounds * deltaOf(c)[j];
        return sum;
      });
      expect(Array.from(await stores[0].read())).toEqual(Array.from(expected));
      const writes = stores.reduce((n, s) => n + s.stats.writes, 0);
      expect(writes).toBe(stores.length * rounds * 5); // 37 floats in shards of 8: 5 shards
    });
  });

  test('concurrent adds through one store all count, once each', async () => {
    let held = false;
    const opts = options({ length: 9, shardFloats: 2 });
    const store: RedisCenterStore = await RedisCenterStore.connect({
      ...opts,
      // Hold the first add's shard 0 back while later adds could overtake it (they must not:
      // a shard skips a worker's token once it applied a later one).
      beforeCompareAndSet: async (shard) => {
        if (shard !== 0 || held) return;
        held = true;
        const end = Date.now() + 200;
        while (store.stats.writes < 6 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      },
    });
    try {
      await store.init(new Float32Array(9));
      await Promise.all(
        Array.from({ length: 20 }, (_, k) => store.add(new Float32Array(9).fill((k + 1) / 4))),
      );
      expect(Array.from(await store.read())).toEqual(new Array(9).fill((20 * 21) / 2 / 4));
      expect(store.stats.duplicates).toBe(0);
      await store.add(new Float32Array(9), { worker: 'w', sequence: 5 });
      await expect(store.add(new Float32Array(9), { worker: 'w', sequence: 4 })).rejects.toThrow(
        /sequences must grow per worker/,
      );
    } finally {
      await store.close();
    }
  });

  test('a compare-and-set that loses to another writer re-reads and retries', async () => {
    const opts = options({ length: 4, shardFloats: 4 });
    const b = await RedisCenterStore.connect(opts);
    let interfered = false;
    // Between a's read and its compare-and-set, b writes: a's first attempt must fail.
    const a = await RedisCenterStore.connect({
      ...opts,
      beforeCompareAndSet: async (_shard, attempt) => {
        if (attempt === 0 && !interfered) {
          interfered = true;
          await b.add(Float32Array.of(1, 2, 3, 4));
        }
      },
    });
    await a.init(new Float32Array(4));
    await a.add(Float32Array.of(0.5, 0.5, 0.5, 0.5));
    expect(a.stats.conflicts).toBe(1);
    expect(Array.from(await a.read())).toEqual([1.5, 2.5, 3.5, 4.5]);
    await Promise.all([a.close(), b.close()]);
  });

  test('landed tells whether a token was applied to every shard; resending it never doubles', async () => {
    const opts = options({ length: 8, shardFloats: 4 });
    await withStores(2, opts, async ([a, b]) => {
      await a.init(new Float32Array(8));
      const token = { worker: 'w1', sequence: 1 };
      expect(await b.landed(token)).toBe(false);
      await a.add(new Float32Array(8).fill(1), token);
      expect(await b.landed(token)).toBe(true);
      expect(await b.landed({ worker: 'w1', sequence: 2 })).toBe(false);
      expect(await b.landed({ worker: 'w2', sequence: 1 })).toBe(false);
      await b.add(new Float32Array(8).fill(1), token); // the same write, sent again
      expect(b.stats.duplicates).toBe(2);
      expect(Array.from(await a.read())).toEqual(new Array(8).fill(1));
    });
  });

  test('a write applied to some shards only is not landed, and resending completes it exactly', async () => {
    const opts = options({ length: 8, shardFloats: 4 });
    const crashing: RedisCenterStore = await RedisCenterStore.connect({
      ...opts,
      // Shard 1 fails once shard 0's write is acknowledged: a write cut in the middle.
      beforeCompareAndSet: async (shard) => {
        if (shard !== 1) return;
        await until(async () => crashing.stats.writes === 1);
        throw new Error('connection lost');
      },
    });
    await crashing.init(new Float32Array(8));
    const token = { worker: 'w9', sequence: 7 };
    await expect(crashing.add(new Float32Array(8).fill(2), token)).rejects.toThrow('connection lost');
    await withStores(1, opts, async ([store]) => {
      expect(await store.landed(token)).toBe(false);
      expect(Array.from(await store.read())).toEqual([2, 2, 2, 2, 0, 0, 0, 0]);
      await store.add(new Float32Array(8).fill(2), token);
      expect(await store.landed(token)).toBe(true);
      expect(Array.from(await store.read())).toEqual(new Array(8).fill(2));
    });
    await crashing.close();
  });

  test('heartbeats show who is alive and expire by themselves', async () => {
    await withStores(1, options(), async ([store]) => {
      await store.heartbeat('w-a', 60_000);
      await store.heartbeat('w-b', 150);
      await store.heartbeat('w-c', 60_000);
      expect(await store.liveWorkers()).toEqual(['w-a', 'w-b', 'w-c']);
      await store.leave('w-c');
      await until(async () => !(await store.liveWorkers()).includes('w-b'));
      expect(await store.liveWorkers()).toEqual(['w-a']);
    });
  });

  test('bad input is refused with PlasticityError', async () => {
    await expect(RedisCenterStore.connect({ ...options(), center: 'no spaces' })).rejects.toThrow(
      /letters, digits/,
    );
    await expect(RedisCenterStore.connect({ ...options(), length: 0 })).rejects.toThrow(/positive integer/);
    await expect(RedisCenterStore.connect({ ...options(), url: 'http://x' })).rejects.toThrow(/redis:\/\//);
    await withStores(1, options(), async ([store]) => {
      await store.init(new Float32Array(10));
      const error = await store
        .add(new Float32Array(10), { worker: 'w', sequence: 0 })
        .catch((e: unknown) => e);
      expect(isPlasticityError(error, 'E_USAGE')).toBe(true);
    });
  });
});

describe('eviction policy', () => {
  test.each([
    ['allkeys-lru', false],
    ['allkeys-random', false],
    ['volatile-lru', true],
    ['noeviction', true],
  ])('maxmemory-policy %s: accepted %s', async (policy, accepted) => {
    const admin = await RedisCenterStore.connect(options());
    // Set through a raw command on the same server; restore afterwards.
    const redis = (admin as unknown as { redis: Redis }).redis;
    await redis.config('SET', 'maxmemory-policy', policy);
    try {
      const opening = RedisCenterStore.connect(options());
      if (accepted) await (await opening).close();
      else await expect(opening).rejects.toThrow(new RegExp(`maxmemory-policy ${policy}, which may evict`));
    } finally {
      await redis.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.close();
    }
  });
});
