// Crashes: a worker process SIGKILLed in the middle of an exchange, redis-server SIGKILLed and
// restarted. Conservation (dyadic values, exact sums) is the oracle for lost or doubled writes.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { build } from 'esbuild';
import { isPlasticityError } from '@plasticity/core-tensors';
import { openRedis } from './connection.js';
import { RedisCenterStore } from './redis-center-store.js';
import type { RedisCenterStoreOptions, RollbackEvent } from './redis-center-store.js';
import { startTestRedis } from '../../../../tools/redis-test/redis-test.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..', '..');

async function until(condition: () => Promise<boolean> | boolean, deadlineMs = 15_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The worker script compiled from source (tests never need `npm run build`). */
async function buildExchangeWorker(): Promise<string> {
  // Inside the repository, so that `ioredis` and tfjs resolve from its node_modules.
  const outfile = join(
    repoRoot,
    'node_modules',
    '.cache',
    'easgd-redis-test',
    `exchange-worker-${process.pid}.mjs`,
  );
  await build({
    entryPoints: [join(here, 'exchange-worker.test-util.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    external: ['ioredis', '@tensorflow/*'],
    alias: { '@plasticity/core-tensors': join(repoRoot, 'packages', 'core-tensors', 'src', 'index.ts') },
    logLevel: 'error',
  });
  return outfile;
}

describe('a worker process SIGKILLed in the middle of an exchange', () => {
  let script: string;
  beforeAll(async () => {
    script = await buildExchangeWorker();
  });

  test('no torn shard, survivors go on with exact sums, its heartbeat expires', async () => {
    const server = await startTestRedis({ appendfsync: 'off' });
    const length = 12;
    const opts: RedisCenterStoreOptions = { url: server.url, center: 'kill-test', length, shardFloats: 6 };
    const survivors = await Promise.all([0, 1].map(() => RedisCenterStore.connect(opts)));
    let victim: ChildProcess | undefined;
    try {
      await survivors[0].init(new Float32Array(length));
      victim = spawn(process.execPath, [script], {
        env: {
          ...process.env,
          URL: server.url,
          CENTER: 'kill-test',
          LENGTH: String(length),
          SHARD_FLOATS: '6',
          WORKER: 'victim',
          VALUE: '0.125',
          PAUSE_AT: '4',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      victim.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
      // Survivors exchange while the victim works, and after it died.
      const survivorRounds = 30;
      const running = survivors.map(async (store, s) => {
        for (let r = 1; r <= survivorRounds; r++) {
          await store.heartbeat(`survivor-${s}`, 60_000);
          await store.add(new Float32Array(length).fill(s + 1), { worker: `survivor-${s}`, sequence: r });
          if (r === 5) await until(() => out.includes('paused'));
        }
      });
      await until(() => out.includes('paused'));
      expect(await survivors[0].liveWorkers()).toContain('victim');
      const exited = new Promise((resolve) => victim?.once('exit', resolve));
      victim.kill('SIGKILL');
      await exited;
      await Promise.all(running);

      // The victim's exchange 4 reached shard 0 only: exchanges 1-3 everywhere, and 4 on shard 0.
      const redis = await openRedis({ url: server.url });
      expect(await redis.hgetall('kill-test:writes:victim')).toEqual({ '0': '4', '1': '3' });
      await redis.quit();
      const expected = Array.from({ length }, (_, j) => survivorRounds * (1 + 2) + 0.125 * (j < 6 ? 4 : 3));
      expect(Array.from(await survivors[1].read())).toEqual(expected);
      expect(await survivors[1].landed({ worker: 'victim', sequence: 3 })).toBe(true);
      expect(await survivors[1].landed({ worker: 'victim', sequence: 4 })).toBe(false);
      await until(async () => !(await survivors[0].liveWorkers()).includes('victim'));
      expect(await survivors[0].liveWorkers()).toEqual(['survivor-0', 'survivor-1']);
    } finally {
      victim?.kill('SIGKILL');
      await Promise.all(survivors.map((s) => s.close()));
      await server.stop();
    }
  });
});

describe('redis-server SIGKILLed and restarted', () => {
  test('appendfsync always: clients reconnect by themselves and every acknowledged write is there', async () => {
    const server = await startTestRedis({ appendfsync: 'always' });
    const length = 20;
    const opts: RedisCenterStoreOptions = { url: server.url, center: 'restart', length, shardFloats: 8 };
    const rollbacks: RollbackEvent[] = [];
    const stores = await Promise.all(
      [0, 1, 2].map(() => RedisCenterStore.connect({ ...opts, onRollback: (e) => rollbacks.push(e) })),
    );
    try {
      const start = Float32Array.from({ length }, (_, j) => j / 4 - 2);
      await stores[0].init(start);
      const rounds = 40;
      let acknowledged = 0;
      const running = stores.map(async (store, c) => {
        for (let r = 1; r <= rounds; r++) {
          await store.add(new Float32Array(length).fill((c + 1) / 8), { worker: `w${c}`, sequence: r });
          acknowledged++;
        }
      });
      await until(() => acknowledged >= 15);
      await server.kill();
      await server.restart();
      await Promise.all(running);
      const expected = Float32Array.from(start, (x) => x + rounds * (1 / 8 + 2 / 8 + 3 / 8));
      const center = await stores[2].read();
      expect(Buffer.from(center.buffer)).toEqual(Buffer.from(expected.buffer));
      expect(rollbacks).toEqual([]);
      // And after one more crash with no writes in flight, the bytes are the last acknowledged ones.
      await server.restart();
      expect(Buffer.from((await stores[0].read()).buffer)).toEqual(Buffer.from(expected.buffer));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await server.stop();
    }
  });

  test('weaker persistence: the rollback is detected by the versions and reported', async () => {
    // No AOF; an RDB snapshot taken by hand is what the restarted server loads.
    const server = await startTestRedis({ appendfsync: 'off' });
    const opts: RedisCenterStoreOptions = { url: server.url, center: 'rollback', length: 8, shardFloats: 4 };
    const warnings: string[] = [];
    const warner = await RedisCenterStore.connect({ ...opts, logger: { warn: (m) => warnings.push(m) } });
    const strict = await RedisCenterStore.connect({ ...opts, onRollback: 'error' });
    try {
      await warner.init(new Float32Array(8));
      await warner.add(new Float32Array(8).fill(1));
      const admin = await openRedis({ url: server.url });
      await admin.save();
      admin.disconnect();
      await warner.add(new Float32Array(8).fill(1));
      await warner.add(new Float32Array(8).fill(1));
      expect(Array.from(await strict.read())).toEqual(new Array(8).fill(3));
      await server.restart();

      const error = await strict.read().catch((e: unknown) => e);
      expect(isPlasticityError(error, 'E_CHECKPOINT')).toBe(true);
      expect((error as Error).message).toMatch(
        /went back from version 3 to 1: the server lost acknowledged writes/,
      );

      expect(Array.from(await warner.read())).toEqual(new Array(8).fill(1));
      expect(warnings).toHaveLength(2); // one per shard
      expect(warner.stats.rollbacks).toBe(2);
      // It goes on from the server's state, and further writes are no rollback.
      await warner.add(new Float32Array(8).fill(1));
      expect(Array.from(await warner.read())).toEqual(new Array(8).fill(2));
      expect(warnings).toHaveLength(2);
    } finally {
      await Promise.all([warner.close(), strict.close()]);
      await server.stop();
    }
  });
});
