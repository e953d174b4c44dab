import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { redisAclRules } from '@plasticity/optimizers-easgd/redis';
import { builtMain, spawnCli } from './binary.test-util.js';
import type { Exited } from './binary.test-util.js';
import { tempDir } from './harness.test-util.js';
import { makeTestCertificates, startTestRedis } from '../../../../tools/redis-test/redis-test.js';
import type { TestRedis, TestRedisOptions } from '../../../../tools/redis-test/redis-test.js';

// `center`, `worker` and `eval --redis` against a real redis-server, each in its own process
// (the built binary: run `npm run build` first when calling jest directly).

const ADMIN_PASSWORD = 'admin-Secret-7f3a';
const WORKER_PASSWORD = 'worker-Secret-91bc';
const EVALUATOR_PASSWORD = 'eval-Secret-c04d';
const PASSWORDS = [ADMIN_PASSWORD, WORKER_PASSWORD, EVALUATOR_PASSWORD];

let redis: TestRedis;
/** The default user's URL on `server` (started with ADMIN_PASSWORD). */
const adminUrl = (server: TestRedis) => server.urlFor('default', ADMIN_PASSWORD);
const startRedis = (tls?: TestRedisOptions['tls']) =>
  startTestRedis({ requirePass: ADMIN_PASSWORD, ...(tls ? { tls } : {}) });
let workerUrl: string;
let evaluatorUrl: string;
/** Every output of every command run here: none may show a password. */
const outputs: Exited[] = [];

async function plasticity(args: readonly string[], timeoutMs = 60_000): Promise<Exited> {
  const exited = await spawnCli(args, tempDir('redis-cli'), timeoutMs).exited;
  outputs.push(exited);
  return exited;
}

const centerArgs = (url: string, ...more: string[]) => [
  'center',
  '--redis',
  url,
  '--rule',
  'backprop',
  '--dataset',
  'yinyang',
  '--backend',
  'cpu',
  '--workers',
  '2',
  ...more,
];

beforeAll(async () => {
  if (!existsSync(builtMain)) throw new Error(`${builtMain} is missing: build first (npm run build)`);
  redis = await startRedis();
  const user = (name: string, password: string, role: 'worker' | 'evaluator') =>
    redis.redisCli(
      'ACL',
      'SETUSER',
      name,
      'reset',
      'on',
      `>${password}`,
      ...redisAclRules(role, 'plasticity'),
    );
  user('worker', WORKER_PASSWORD, 'worker');
  user('evaluator', EVALUATOR_PASSWORD, 'evaluator');
  workerUrl = redis.urlFor('worker', WORKER_PASSWORD);
  evaluatorUrl = redis.urlFor('evaluator', EVALUATOR_PASSWORD);
}, 30_000);

afterAll(async () => {
  await redis?.stop();
});

/** Polls until both workers' heartbeats are in Redis (they train for about a second). */
async function heartbeatsSeen(ids: readonly string[], running: Promise<unknown>): Promise<boolean> {
  let finished = false;
  void running.then(() => (finished = true));
  while (!finished) {
    const alive = redis.redisCli('--scan', '--pattern', 'plasticity:alive:*');
    if (ids.every((id) => alive.includes(`plasticity:alive:${id}`))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('EASGD across processes with Redis as the center', () => {
  test('center, two workers (one a machine of two threads: tree EASGD), eval: the center learns yinyang; workers leave; nothing shows a password', async () => {
    const created = await plasticity(centerArgs(adminUrl(redis), '--set', 'fit.epochs=2', '--json'));
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const report = JSON.parse(created.stdout) as {
      outcome: string;
      redis: string;
      shards: { version: number }[];
      description: { rule: string; fit: { epochs: number }; parallel: { alpha: number; workers: number } };
    };
    expect(report.outcome).toBe('created');
    expect(report.redis).toBe(`redis://default:***@127.0.0.1:${redis.port}`);
    expect(report.shards.map((s) => s.version)).toEqual([0]);
    expect(report.description).toMatchObject({ rule: 'backprop', fit: { epochs: 2 } });
    expect(report.description.parallel).toMatchObject({ workers: 2, alpha: 0.45 });

    const ids = ['alpha-1', 'beta-2'];
    // beta-2 trains two workers around its own center, which exchanges with Redis every 4 batches.
    const threads = [1, 2];
    const workers = ids.map(
      (id, i) =>
        spawnCli(
          [
            'worker',
            '--redis',
            workerUrl,
            '--id',
            id,
            '--backend',
            'cpu',
            '--json',
            ...(threads[i] > 1 ? ['--threads', String(threads[i]), '--tau-up', '4'] : []),
          ],
          tempDir('w'),
          60_000,
        ).exited,
    );
    const running = Promise.all(workers);
    expect(await heartbeatsSeen(ids, running)).toBe(true);
    const done = await running;
    outputs.push(...done);
    for (const [i, worker] of done.entries()) {
      expect(worker.code).toBe(0);
      expect(worker.stderr).toMatch(new RegExp(`worker ${ids[i]} epoch 2/2: train loss [\\d.]+, accuracy`));
      expect(JSON.parse(worker.stdout)).toMatchObject({ worker: ids[i], epochs: 2, threads: threads[i] });
    }

    // The same description again only reports: heartbeats gone, both workers' writes applied.
    const again = await plasticity(centerArgs(adminUrl(redis), '--set', 'fit.epochs=2', '--json'));
    expect(again.code).toBe(0);
    const status = JSON.parse(again.stdout) as {
      outcome: string;
      liveWorkers: string[];
      shards: { version: number }[];
      writers: { worker: string; sequence: number }[];
    };
    expect(status.outcome).toBe('same');
    expect(status.liveWorkers).toEqual([]);
    expect(status.writers.map((w) => w.worker)).toEqual(ids);
    // Every exchange of both workers is one write on the single shard.
    const exchanges = status.writers.reduce((sum, w) => sum + w.sequence, 0);
    expect(status.shards[0].version).toBe(exchanges);
    expect(exchanges).toBeGreaterThan(0);

    // A read-only evaluator scores the center; it writes nothing (versions unchanged).
    const scored = await plasticity(['eval', '--redis', evaluatorUrl, '--backend', 'cpu', '--json']);
    expect(scored.stderr).toBe('');
    expect(scored.code).toBe(0);
    const evaluation = JSON.parse(scored.stdout) as {
      accuracy: number;
      source: { dataset: string; split: string };
      center: { versions: number[] };
    };
    expect(evaluation.source).toEqual({ dataset: 'yinyang', split: 'test' });
    expect(evaluation.accuracy).toBeGreaterThan(0.7);
    expect(evaluation.center.versions).toEqual([exchanges]);
    expect(redis.redisCli('HGET', 'plasticity:shard:0', 'version').trim()).toBe(String(exchanges));
  }, 60_000);

  test('refusals: another config, a missing center, an evaluator as worker, a bad --redis-ca', async () => {
    const other = await plasticity(centerArgs(adminUrl(redis), '--set', 'fit.epochs=3'));
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/already describes another run: fit\.epochs: 2 in Redis, 3 here/);

    const missing = await plasticity(['worker', '--redis', adminUrl(redis), '--center', 'nope']);
    expect(missing.stderr).toMatch(
      /no center "nope" at redis:\/\/default:\*\*\*@127\.0\.0\.1:\d+: start it first/,
    );
    expect(missing.code).toBe(2);

    const reader = await plasticity([
      'worker',
      '--redis',
      evaluatorUrl,
      '--id',
      'sneaky',
      '--backend',
      'cpu',
    ]);
    expect(reader.code).not.toBe(0);
    expect(reader.stderr).toMatch(/worker sneaky may not write to center "plasticity".*not a worker/);
    expect(redis.redisCli('--scan', '--pattern', 'plasticity:*sneaky*').trim()).toBe('');

    const wrongPassword = await plasticity(['eval', '--redis', redis.urlFor('evaluator', 'not-it')]);
    expect(wrongPassword.code).not.toBe(0);
    expect(wrongPassword.stderr).toMatch(/wrong user name or password/);

    const noCa = await plasticity(['eval', '--redis', evaluatorUrl, '--redis-ca', 'missing-ca.pem']);
    expect(noCa.code).toBe(2);
    expect(noCa.stderr).toMatch(/--redis-ca .*missing-ca\.pem cannot be read/);

    const downpour = await plasticity(
      centerArgs(adminUrl(redis), '--center', 'dp', '--parallel', 'downpour', '--tau', '1'),
    );
    expect(downpour.code).toBe(0);
    const tree = await plasticity(['worker', '--redis', adminUrl(redis), '--center', 'dp', '--threads', '2']);
    expect(tree.code).toBe(2);
    expect(tree.stderr).toMatch(/--threads .*tree EASGD.*center "dp" runs downpour/);

    const both = await plasticity(['eval', '--redis', evaluatorUrl, '--run', 'somewhere']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--run DIR or --redis URL, not both/);
  }, 60_000);

  test('Ctrl-C: a worker stops after its current step, leaves (no heartbeat) and exits 130', async () => {
    const spawned = spawnCli(
      ['worker', '--redis', workerUrl, '--id', 'stopped-3', '--epochs', '100', '--backend', 'cpu'],
      tempDir('w'),
      60_000,
    );
    expect(await heartbeatsSeen(['stopped-3'], spawned.exited)).toBe(true);
    spawned.child.kill('SIGINT');
    const stopped = await spawned.exited;
    outputs.push(stopped);
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted/);
    expect(redis.redisCli('EXISTS', 'plasticity:alive:stopped-3').trim()).toBe('0');
  }, 60_000);

  test('TLS: rediss:// with --redis-ca works; without the CA the certificate is refused', async () => {
    const dir = tempDir('tls');
    const tls = await startRedis(makeTestCertificates(dir));
    try {
      const trusted = await plasticity(
        centerArgs(adminUrl(tls), '--redis-ca', join(dir, 'ca.crt'), '--center', 'tls-run', '--json'),
      );
      expect(trusted.stderr).toBe('');
      expect(trusted.code).toBe(0);
      expect(JSON.parse(trusted.stdout)).toMatchObject({
        outcome: 'created',
        redis: expect.stringMatching(/^rediss:/),
      });
      const untrusted = await plasticity(['eval', '--redis', adminUrl(tls), '--center', 'tls-run']);
      expect(untrusted.code).not.toBe(0);
      expect(untrusted.stderr).toMatch(/certificate is not trusted/);
    } finally {
      await tls.stop();
    }
  }, 60_000);

  test('no output of any command here shows a password', () => {
    expect(outputs.length).toBeGreaterThan(8);
    for (const { stdout, stderr } of outputs)
      for (const password of PASSWORDS) {
        expect(stdout).not.toContain(password);
        expect(stderr).not.toContain(password);
      }
  });
});
