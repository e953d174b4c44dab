import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { PlasticityError } from '@plasticity/core-tensors';
import type { CenterStore, WriteToken } from '../store/center-store.js';
import { explainRedisError, openRedis } from './connection.js';
import type { RedisConnectionOptions } from './connection.js';
import { centerKeys, checkName } from './keys.js';
import type { CenterKeys } from './keys.js';
import { COMPARE_AND_SET, INIT_CENTER } from './scripts.js';

/** 256 KiB of float32 per shard: one value in Redis, one compare-and-set. */
export const DEFAULT_SHARD_FLOATS = 65_536;

/** A shard whose version went backwards: the server lost writes it had acknowledged. */
export interface RollbackEvent {
  readonly center: string;
  readonly shard: number;
  /** The highest version this client had seen. */
  readonly seen: number;
  /** The version the server has now. */
  readonly found: number;
}

export interface RedisCenterStoreOptions extends RedisConnectionOptions {
  /** Key prefix of this center (`easgd:mnist`): every key is `<center>:...`. */
  readonly center: string;
  /** Number of float32 values. */
  readonly length: number;
  /** Floats per shard (default 65 536 = 256 KiB); all clients of a center must agree. */
  readonly shardFloats?: number;
  /**
   * What to do when a version goes backwards (a server restarted from weaker persistence than
   * `appendfsync always`): `'warn'` (default) logs through `logger` and goes on from the server's
   * state, `'error'` throws, a function receives the event. Never silent.
   */
  readonly onRollback?: 'warn' | 'error' | ((event: RollbackEvent) => void);
  readonly logger?: { warn(message: string): void };
  /** Gives up an `add` after this many lost compare-and-sets on one shard (default 10 000). */
  readonly maxAttempts?: number;
  /** Fault injection for tests: awaited before each compare-and-set. */
  readonly beforeCompareAndSet?: (shard: number, attempt: number) => Promise<void> | void;
}

/** Counters since connect, for logs and tests. */
export interface RedisStoreStats {
  /** Compare-and-sets that lost to another writer and were retried. */
  readonly conflicts: number;
  /** Shard writes applied. */
  readonly writes: number;
  /** Shard writes found already applied (a resent or repeated token). */
  readonly duplicates: number;
  readonly rollbacks: number;
}

type CasReply = [status: number, previous: number];
interface CenterCommands {
  easgdCas(
    shard: string,
    writes: string,
    version: string,
    data: Buffer,
    worker: string,
    sequence: string,
    index: string,
  ): Promise<CasReply>;
  easgdInit(...keysAndArgs: (string | Buffer)[]): Promise<number>;
}

/** Eviction policies that can never drop our keys: center keys have no TTL, so `volatile-*` is safe. */
export function evictionPolicySafe(policy: string): boolean {
  return policy === 'noeviction' || policy.startsWith('volatile-');
}

/**
 * The EASGD center in Redis: float32 shards (`<center>:shard:<i>`, a hash of data, version and
 * last writer), each updated by an optimistic compare-and-set with all arithmetic on the client.
 * Writes carry a token (worker, sequence); a shard applies each token at most once, so resending
 * after a lost connection never doubles an update.
 */
export class RedisCenterStore implements CenterStore {
  readonly length: number;
  readonly center: string;
  readonly shardFloats: number;
  readonly shardCount: number;
  private readonly keys: CenterKeys;
  private readonly seenVersion: Float64Array;
  private readonly clientId = `client-${randomBytes(6).toString('hex')}`;
  private sequence = 0;
  private readonly lastSequence = new Map<string, number>();
  private addQueue: Promise<void> = Promise.resolve();
  private metaChecked = false;
  private counters = { conflicts: 0, writes: 0, duplicates: 0, rollbacks: 0 };

  private constructor(
    private readonly redis: Redis,
    private readonly options: RedisCenterStoreOptions,
    private readonly target: string,
  ) {
    this.center = options.center;
    this.length = options.length;
    this.shardFloats = options.shardFloats ?? DEFAULT_SHARD_FLOATS;
    this.shardCount = Math.max(1, Math.ceil(this.length / this.shardFloats));
    this.keys = centerKeys(options.center);
    this.seenVersion = new Float64Array(this.shardCount).fill(-1);
    redis.defineCommand('easgdCas', { numberOfKeys: 2, lua: COMPARE_AND_SET });
    redis.defineCommand('easgdInit', { numberOfKeys: this.shardCount + 1, lua: INIT_CENTER });
  }

  /**
   * Connects, checks that the server cannot evict the center (`maxmemory-policy` must be
   * `noeviction` or `volatile-*`), and returns the store. Nothing is written until `init` or `add`.
   */
  static async connect(options: RedisCenterStoreOptions): Promise<RedisCenterStore> {
    checkName('center name', options.center);
    if (!Number.isInteger(options.length) || options.length < 1)
      throw new PlasticityError(
        'E_CONFIG',
        `center length must be a positive integer, got ${options.length}`,
      );
    const shardFloats = options.shardFloats ?? DEFAULT_SHARD_FLOATS;
    if (!Number.isInteger(shardFloats) || shardFloats < 1)
      throw new PlasticityError('E_CONFIG', `shardFloats must be a positive integer, got ${shardFloats}`);
    const redis = await openRedis(options);
    const target = new URL(options.url).host;
    try {
      const info = await redis.info('memory');
      const policy = /maxmemory_policy:(\S+)/.exec(info)?.[1];
      if (!policy || !evictionPolicySafe(policy))
        throw new PlasticityError(
          'E_CONFIG',
          `Redis at ${target} has maxmemory-policy ${policy ?? '(unknown)'}, which may evict the center: ` +
            `set it to noeviction (or a volatile-* policy: center keys have no TTL)`,
          { reason: 'eviction-policy', policy },
        );
    } catch (error) {
      redis.disconnect();
      throw explainRedisError(error, target);
    }
    return new RedisCenterStore(redis, options, target);
  }

  get stats(): RedisStoreStats {
    return { ...this.counters };
  }

  async init(values: Float32Array): Promise<boolean> {
    this.checkLength(values, 'init');
    const keys = [this.keys.meta, ...Array.from({ length: this.shardCount }, (_, i) => this.keys.shard(i))];
    const data = Array.from({ length: this.shardCount }, (_, i) => this.shardBytes(values, i));
    const created = await this.call(() =>
      (this.redis as unknown as CenterCommands).easgdInit(
        ...keys,
        String(this.length),
        String(this.shardFloats),
        ...data,
      ),
    );
    if (created !== 1) await this.checkMeta();
    this.metaChecked = true;
    return created === 1;
  }

  async read(): Promise<Float32Array> {
    await this.ensureMeta();
    const pipeline = this.redis.pipeline();
    for (let i = 0; i < this.shardCount; i++) pipeline.hmgetBuffer(this.keys.shard(i), 'version', 'data');
    const replies = await this.call(() => pipeline.exec());
    const out = new Float32Array(this.length);
    replies?.forEach(([error, reply], i) => {
      if (error) throw explainRedisError(error, this.target);
      const [version, data] = reply as [Buffer | null, Buffer | null];
      this.copyShard(out, i, this.parseShard(i, version, data).data);
    });
    return out;
  }

  async add(delta: Float32Array, token?: WriteToken): Promise<void> {
    this.checkLength(delta, 'add');
    const write = token ?? { worker: this.clientId, sequence: ++this.sequence };
    checkName('worker id', write.worker);
    if (!Number.isSafeInteger(write.sequence) || write.sequence < 1)
      throw new PlasticityError(
        'E_USAGE',
        `write token sequence must be a positive integer, got ${write.sequence}`,
      );
    const last = this.lastSequence.get(write.worker) ?? 0;
    if (write.sequence < last)
      throw new PlasticityError(
        'E_USAGE',
        `write token ${write.worker}#${write.sequence} comes after #${last}: sequences must grow per worker ` +
          `(a shard skips a token at or below the last one it applied for that worker)`,
      );
    this.lastSequence.set(write.worker, write.sequence);
    // One add at a time per store: a shard must see a worker's tokens in order.
    const run = this.addQueue.then(() => this.addAllShards(delta, write));
    this.addQueue = run.catch(() => undefined);
    return run;
  }

  private async addAllShards(delta: Float32Array, write: WriteToken): Promise<void> {
    await this.ensureMeta();
    await Promise.all(Array.from({ length: this.shardCount }, (_, i) => this.addShard(i, delta, write)));
  }

  async landed(token: WriteToken): Promise<boolean> {
    const fields = Array.from({ length: this.shardCount }, (_, i) => String(i));
    const applied = await this.call(() => this.redis.hmget(this.keys.writes(token.worker), ...fields));
    return applied.every((sequence) => sequence !== null && Number(sequence) >= token.sequence);
  }

  /** Marks `worker` alive for `ttlMs` (call again before it runs out); the key expires by itself. */
  async heartbeat(worker: string, ttlMs: number): Promise<void> {
    if (!Number.isInteger(ttlMs) || ttlMs < 1)
      throw new PlasticityError('E_CONFIG', `heartbeat ttlMs must be a positive integer, got ${ttlMs}`);
    await this.call(() => this.redis.set(this.keys.heartbeat(worker), String(Date.now()), 'PX', ttlMs));
  }

  /** Removes `worker`'s heartbeat now (a clean leave). */
  async leave(worker: string): Promise<void> {
    await this.call(() => this.redis.del(this.keys.heartbeat(worker)));
  }

  /** Worker ids whose heartbeat has not expired, sorted. */
  async liveWorkers(): Promise<string[]> {
    const prefix = this.keys.heartbeatPattern.slice(0, -1);
    const found = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await this.call(() =>
        this.redis.scan(cursor, 'MATCH', this.keys.heartbeatPattern, 'COUNT', 1000),
      );
      for (const key of keys) found.add(key.slice(prefix.length));
      cursor = next;
    } while (cursor !== '0');
    return [...found].sort();
  }

  async close(): Promise<void> {
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  private async addShard(index: number, delta: Float32Array, token: WriteToken): Promise<void> {
    const key = this.keys.shard(index);
    const writes = this.keys.writes(token.worker);
    const start = index * this.shardFloats;
    const end = Math.min(this.length, start + this.shardFloats);
    const maxAttempts = this.options.maxAttempts ?? 10_000;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const [versionBytes, dataBytes] = await this.call(() => this.redis.hmgetBuffer(key, 'version', 'data'));
      const { version, data } = this.parseShard(index, versionBytes, dataBytes);
      // The arithmetic, in float32 like the workers' tensors.
      for (let j = 0; j < data.length; j++) data[j] += delta[start + j];
      await this.options.beforeCompareAndSet?.(index, attempt);
      const bytes = Buffer.from(data.buffer, data.byteOffset, (end - start) * 4);
      const [status] = await this.call(() =>
        (this.redis as unknown as CenterCommands).easgdCas(
          key,
          writes,
          String(version),
          bytes,
          token.worker,
          String(token.sequence),
          String(index),
        ),
      );
      if (status === 1) {
        this.counters.writes++;
        this.seenVersion[index] = Math.max(this.seenVersion[index], version + 1);
        return;
      }
      if (status === 2) {
        this.counters.duplicates++;
        return;
      }
      if (status === -1) throw this.missing();
      this.counters.conflicts++;
    }
    throw new PlasticityError(
      'E_CONFIG',
      `center "${this.center}" shard ${index}: ${maxAttempts} compare-and-sets in a row lost to other writers; ` +
        `too many workers for one shard? use smaller shards or a longer tau`,
      { reason: 'contention', shard: index },
    );
  }

  private parseShard(
    index: number,
    version: Buffer | null,
    data: Buffer | null,
  ): { version: number; data: Float32Array } {
    if (version === null || data === null) throw this.missing();
    const floats = Math.min(this.shardFloats, this.length - index * this.shardFloats);
    if (data.length !== floats * 4)
      throw new PlasticityError(
        'E_SHAPE',
        `center "${this.center}" shard ${index} holds ${data.length} bytes, expected ${floats * 4}: another length or shard size?`,
      );
    const parsed = Number(version.toString());
    this.observeVersion(index, parsed);
    // Copy: a Buffer's offset in its pool need not be 4-byte aligned.
    const out = new Float32Array(floats);
    new Uint8Array(out.buffer).set(data);
    return { version: parsed, data: out };
  }

  private observeVersion(index: number, version: number): void {
    const seen = this.seenVersion[index];
    if (version >= seen) {
      this.seenVersion[index] = version;
      return;
    }
    this.seenVersion[index] = version;
    this.counters.rollbacks++;
    const event: RollbackEvent = { center: this.center, shard: index, seen, found: version };
    const text =
      `Redis center "${this.center}" shard ${index} went back from version ${seen} to ${version}: ` +
      `the server lost acknowledged writes (restarted without appendfsync always?); continuing from its state`;
    const policy = this.options.onRollback ?? 'warn';
    if (policy === 'error') throw new PlasticityError('E_CHECKPOINT', text, { reason: 'rollback', ...event });
    if (policy === 'warn') (this.options.logger ?? console).warn(text);
    else policy(event);
  }

  private copyShard(out: Float32Array, index: number, data: Float32Array): void {
    out.set(data, index * this.shardFloats);
  }

  private shardBytes(values: Float32Array, index: number): Buffer {
    const start = index * this.shardFloats;
    const slice = values.slice(start, Math.min(this.length, start + this.shardFloats));
    return Buffer.from(slice.buffer, slice.byteOffset, slice.byteLength);
  }

  private checkLength(values: Float32Array, what: string): void {
    if (!(values instanceof Float32Array) || values.length !== this.length)
      throw new PlasticityError(
        'E_SHAPE',
        `${what}: center "${this.center}" has ${this.length} float32 values, got ${values instanceof Float32Array ? values.length : typeof values}`,
      );
  }

  private async ensureMeta(): Promise<void> {
    if (this.metaChecked) return;
    await this.checkMeta();
    this.metaChecked = true;
  }

  private async checkMeta(): Promise<void> {
    const meta = await this.call(() => this.redis.hgetall(this.keys.meta));
    if (Object.keys(meta).length === 0) throw this.missing();
    if (Number(meta.length) !== this.length || Number(meta.shardFloats) !== this.shardFloats)
      throw new PlasticityError(
        'E_SHAPE',
        `center "${this.center}" in Redis has ${meta.length} values in shards of ${meta.shardFloats}, ` +
          `this store expects ${this.length} in shards of ${this.shardFloats}`,
        { reason: 'meta', meta },
      );
  }

  private missing(): PlasticityError {
    return new PlasticityError(
      'E_USAGE',
      `center "${this.center}" does not exist in Redis at ${this.target}: initialise it first (init)`,
      { reason: 'missing' },
    );
  }

  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw explainRedisError(error, this.target);
    }
  }
}
