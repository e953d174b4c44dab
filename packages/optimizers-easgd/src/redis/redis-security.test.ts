// Refusals: each one is a PlasticityError saying what is wrong, never a silent fallback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { isPlasticityError } from '@plasticity/core-tensors';
import { redisAclRules } from './acl.js';
import { openRedis } from './connection.js';
import { RedisCenterStore } from './redis-center-store.js';
import { makeTestCertificates, startTestRedis } from '../../../../tools/redis-test/redis-test.js';
import type { TestCertificates, TestRedis } from '../../../../tools/redis-test/redis-test.js';

const ADMIN_PASSWORD = 'admin-secret';

async function refusal(
  opening: Promise<unknown>,
): Promise<{ code?: string; reason?: unknown; message: string }> {
  const error = await opening.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isPlasticityError(error)) throw new Error(`expected a PlasticityError, got ${String(error)}`);
  return { code: error.code, reason: error.details?.reason, message: error.message };
}

describe('passwords and ACL users', () => {
  let server: TestRedis;
  beforeAll(async () => {
    server = await startTestRedis({ appendfsync: 'off', requirePass: ADMIN_PASSWORD });
    const admin = await openRedis({ url: server.url, password: ADMIN_PASSWORD });
    await admin.acl('SETUSER', 'worker-a', 'on', '>wa', ...redisAclRules('worker', 'team-a'));
    await admin.acl('SETUSER', 'eval-a', 'on', '>ea', ...redisAclRules('evaluator', 'team-a'));
    await admin.quit();
    const worker = await RedisCenterStore.connect({
      url: `redis://worker-a:wa@127.0.0.1:${server.port}`,
      center: 'team-a',
      length: 6,
      shardFloats: 4,
    });
    await worker.init(Float32Array.of(1, 2, 3, 4, 5, 6));
    await worker.close();
  });
  afterAll(async () => {
    await server.stop();
  });
  const center = { center: 'team-a', length: 6, shardFloats: 4 };

  test('no password', async () => {
    expect(await refusal(RedisCenterStore.connect({ url: server.url, ...center }))).toMatchObject({
      code: 'E_CONFIG',
      reason: 'auth',
      message: expect.stringMatching(/requires a password and none was given/),
    });
  });

  test('wrong password', async () => {
    expect(
      await refusal(
        RedisCenterStore.connect({ url: server.url, username: 'worker-a', password: 'nope', ...center }),
      ),
    ).toMatchObject({
      code: 'E_CONFIG',
      reason: 'auth',
      message: expect.stringMatching(/wrong user name or password/),
    });
  });

  test('a worker works inside its prefix and is refused outside it', async () => {
    const url = `redis://worker-a:wa@127.0.0.1:${server.port}`;
    const inside = await RedisCenterStore.connect({ url, ...center });
    await inside.add(new Float32Array(6).fill(0.5));
    await inside.heartbeat('w1', 10_000);
    expect(Array.from(await inside.read())).toEqual([1.5, 2.5, 3.5, 4.5, 5.5, 6.5]);
    await inside.close();
    const outside = await RedisCenterStore.connect({ url, center: 'team-b', length: 6 });
    expect(await refusal(outside.init(new Float32Array(6)))).toMatchObject({
      code: 'E_CONFIG',
      reason: 'permission',
    });
    expect(await refusal(outside.read())).toMatchObject({ code: 'E_CONFIG', reason: 'permission' });
    expect(await refusal(outside.heartbeat('w1', 1000))).toMatchObject({
      code: 'E_CONFIG',
      reason: 'permission',
    });
    await outside.close();
  });

  test('an evaluator reads and may not write', async () => {
    const evaluator = await RedisCenterStore.connect({
      url: server.url,
      username: 'eval-a',
      password: 'ea',
      ...center,
    });
    expect((await evaluator.read()).length).toBe(6);
    expect(await evaluator.liveWorkers()).toEqual(['w1']);
    const before = Array.from(await evaluator.read());
    expect(await refusal(evaluator.add(new Float32Array(6).fill(1)))).toMatchObject({
      code: 'E_CONFIG',
      reason: 'permission',
      message: expect.stringMatching(/not allowed/),
    });
    expect(await refusal(evaluator.init(new Float32Array(6)))).toMatchObject({ reason: 'permission' });
    expect(await refusal(evaluator.heartbeat('e', 1000))).toMatchObject({ reason: 'permission' });
    expect(Array.from(await evaluator.read())).toEqual(before);
    await evaluator.close();
  });
});

describe('TLS', () => {
  let server: TestRedis;
  let certs: TestCertificates;
  let certDir: string;
  beforeAll(async () => {
    certDir = mkdtempSync(join(tmpdir(), 'easgd-certs-'));
    certs = makeTestCertificates(certDir);
    server = await startTestRedis({ appendfsync: 'off', tls: certs });
  });
  afterAll(async () => {
    await server.stop();
    rmSync(certDir, { recursive: true, force: true });
  });
  const center = { center: 'tls-center', length: 5 };

  test('rediss:// with the CA file works', async () => {
    const store = await RedisCenterStore.connect({ url: server.url, tls: { caFile: certs.ca }, ...center });
    await store.init(Float32Array.of(1, 2, 3, 4, 5));
    await store.add(Float32Array.of(1, 1, 1, 1, 1));
    expect(Array.from(await store.read())).toEqual([2, 3, 4, 5, 6]);
    await store.close();
  });

  test('a certificate signed by another CA is refused', async () => {
    expect(
      await refusal(RedisCenterStore.connect({ url: server.url, tls: { caFile: certs.otherCa }, ...center })),
    ).toMatchObject({
      code: 'E_CONFIG',
      reason: 'tls',
      message: expect.stringMatching(/certificate is not trusted/),
    });
  });

  test('without a CA the private certificate is refused, not accepted', async () => {
    expect(await refusal(RedisCenterStore.connect({ url: server.url, ...center }))).toMatchObject({
      reason: 'tls',
    });
  });

  test('plaintext on the TLS port is refused', async () => {
    const plain = server.url.replace('rediss://', 'redis://');
    expect(await refusal(RedisCenterStore.connect({ url: plain, ...center }))).toMatchObject({
      code: 'E_CONFIG',
      reason: 'connection',
      message: expect.stringMatching(/closed the connection before answering: if this is a TLS port/),
    });
  });

  test('TLS on a plaintext port is refused', async () => {
    const plainServer = await startTestRedis({ appendfsync: 'off' });
    try {
      const url = plainServer.url.replace('redis://', 'rediss://');
      const opening = RedisCenterStore.connect({
        url,
        tls: { caFile: certs.ca },
        connectTimeoutMs: 1000,
        ...center,
      });
      expect(await refusal(opening)).toMatchObject({
        code: 'E_CONFIG',
        reason: 'tls',
        message: expect.stringMatching(/no TLS handshake .* is this a plaintext port/),
      });
    } finally {
      await plainServer.stop();
    }
  });
});
