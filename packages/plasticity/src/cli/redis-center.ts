// What `center`, `worker` and `eval --redis` share: the connection flags (credentials never
// printed), the run description under `<center>:config`, and the status report of a center.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PlasticityError } from '@plasticity/core-tensors';
import type { FitSettings, TaskSpec } from '@plasticity/core-tensors';
import type { EasgdConfig } from '@plasticity/optimizers-easgd';
import type * as RedisEntry from '@plasticity/optimizers-easgd/redis';
import type { RedisConnectionOptions } from '@plasticity/optimizers-easgd/redis';
import type { PreprocessSpec } from '@plasticity/datasets';
import type { CliIO } from './io.js';
import type { Versions } from './versions.js';

/**
 * The Redis side of the easgd package, loaded when a command uses Redis: ioredis takes a few
 * hundred milliseconds to load, which every other command would pay.
 */
export type RedisModule = typeof RedisEntry;
export const loadRedisModule = (): Promise<RedisModule> => import('@plasticity/optimizers-easgd/redis');

type RedisClient = Awaited<ReturnType<RedisModule['openRedis']>>;

export const DEFAULT_CENTER = 'plasticity';
export const CENTER_FORMAT = 'plasticity-center/1';

/** `--redis URL`, `--redis-ca FILE`, `--center NAME`. */
export interface RedisFlags {
  readonly redis?: string;
  readonly redisCa?: string;
  readonly center?: string;
}

/** A connection, its center's name, and the URL as it may be shown (password replaced). */
export interface RedisTarget {
  readonly connection: RedisConnectionOptions;
  readonly center: string;
  readonly shown: string;
  /** The password from the URL, to scrub from any message. */
  readonly secret?: string;
}

/** The URL with its password (if any) replaced by `***`; text that is not a URL is not shown. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(not a URL)';
  }
}

export async function redisTarget(flags: RedisFlags, io: CliIO): Promise<RedisTarget> {
  const url = flags.redis;
  if (!url) throw new PlasticityError('E_USAGE', 'missing --redis URL (redis://[user:password@]host:port)');
  const shown = redactRedisUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PlasticityError(
      'E_USAGE',
      `--redis must be a URL: redis://[user:password@]host:port or rediss://... for TLS`,
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new PlasticityError('E_USAGE', `--redis ${shown} must start with redis:// or rediss:// (TLS)`);
  const center = (await loadRedisModule()).checkName('--center', flags.center ?? DEFAULT_CENTER);
  const caFile = flags.redisCa ? resolve(io.cwd, flags.redisCa) : undefined;
  if (caFile) {
    try {
      readFileSync(caFile);
    } catch {
      throw new PlasticityError('E_USAGE', `--redis-ca ${caFile} cannot be read`);
    }
  }
  const secret = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  return {
    connection: { url, ...(caFile ? { tls: { caFile } } : {}) },
    center,
    shown,
    ...(secret ? { secret } : {}),
  };
}

/** Runs `work`, replacing the password in any error it throws (messages and details). */
export async function withoutSecret<T>(target: RedisTarget | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const secret = target?.secret;
    if (secret && error instanceof Error) {
      const raw = target.connection.url;
      const scrub = (text: string) => text.split(raw).join(target.shown).split(secret).join('***');
      error.message = scrub(error.message);
      const details = (error as { details?: unknown }).details;
      if (details !== undefined && JSON.stringify(details).includes(secret))
        (error as { details?: unknown }).details = JSON.parse(scrub(JSON.stringify(details)));
    }
    throw error;
  }
}

/** Everything a worker on another machine needs to build the same learner: `<center>:config`. */
/** Opens the center's store with the target's connection; rollback warnings go to stderr. */
export async function openCenterStore(
  target: RedisTarget,
  length: number,
  io: CliIO,
): ReturnType<RedisModule['RedisCenterStore']['connect']> {
  const { RedisCenterStore } = await loadRedisModule();
  return RedisCenterStore.connect({
    ...target.connection,
    center: target.center,
    length,
    logger: { warn: (message) => io.stderr.write(`warning: ${message}\n`) },
  });
}

export interface CenterDescription {
  readonly format: typeof CENTER_FORMAT;
  readonly rule: string;
  readonly config: unknown;
  readonly dataset: string;
  readonly preset?: string;
  readonly plugins?: readonly string[];
  readonly task: TaskSpec;
  readonly preprocess: PreprocessSpec;
  readonly classNames?: readonly string[];
  readonly fit: FitSettings;
  readonly parallel: EasgdConfig;
  /** Number of float32 values in the center. */
  readonly length: number;
  readonly versions: Versions;
}

/** Fields that must agree for a second `center` to be the same run (versions may differ). */
const COMPARED = [
  'format',
  'rule',
  'config',
  'dataset',
  'preset',
  'plugins',
  'task',
  'preprocess',
  'fit',
  'parallel',
  'length',
] as const;

/** `path: value in Redis, value here` for each leaf that differs. */
export function descriptionDifferences(stored: CenterDescription, wanted: CenterDescription): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    const objects = typeof a === 'object' && a !== null && typeof b === 'object' && b !== null;
    if (objects && !Array.isArray(a) && !Array.isArray(b)) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const key of [...keys].sort())
        walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
      return;
    }
    out.push(
      `${path.slice(1)}: ${JSON.stringify(a) ?? '(none)'} in Redis, ${JSON.stringify(b) ?? '(none)'} here`,
    );
  };
  for (const key of COMPARED) walk(stored[key], wanted[key], `.${key}`);
  return out;
}

const descriptionKey = (center: string): string => `${center}:config`;

async function withClient<T>(target: RedisTarget, work: (redis: RedisClient) => Promise<T>): Promise<T> {
  const redis = await (await loadRedisModule()).openRedis(target.connection);
  try {
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}

function missingCenter(target: RedisTarget): PlasticityError {
  return new PlasticityError(
    'E_USAGE',
    `no center "${target.center}" at ${target.shown}: start it first with ` +
      `plasticity center --redis URL --center ${target.center} --rule R --dataset D`,
    { reason: 'missing-center', center: target.center },
  );
}

/** The description a `center` command wrote, or E_USAGE naming the missing center. */
export async function readDescription(target: RedisTarget): Promise<CenterDescription> {
  const text = await withClient(target, (redis) => redis.get(descriptionKey(target.center)));
  if (text === null) throw missingCenter(target);
  const parsed = JSON.parse(text) as CenterDescription;
  if (parsed.format !== CENTER_FORMAT)
    throw new PlasticityError(
      'E_CONFIG',
      `center "${target.center}" at ${target.shown} holds a description of format ${JSON.stringify(parsed.format)}; ` +
        `this plasticity reads ${CENTER_FORMAT}`,
    );
  return parsed;
}

/**
 * Writes the description unless one is there (first writer wins): `created`, or `same` when
 * the stored one describes the same run; a different one is an E_CONFIG naming the differences.
 */
export async function publishDescription(
  target: RedisTarget,
  description: CenterDescription,
): Promise<'created' | 'same'> {
  const stored = await withClient(target, async (redis) => {
    const set = await redis.set(descriptionKey(target.center), JSON.stringify(description), 'NX');
    return set === 'OK' ? undefined : redis.get(descriptionKey(target.center));
  });
  if (stored === undefined || stored === null) return 'created';
  const differences = descriptionDifferences(JSON.parse(stored) as CenterDescription, description);
  if (differences.length === 0) return 'same';
  throw new PlasticityError(
    'E_CONFIG',
    `center "${target.center}" at ${target.shown} already describes another run: ${differences.join('; ')} ` +
      `(use another --center NAME, or the same settings)`,
    { reason: 'different-center', differences },
  );
}

/** A center's state: who is alive, and how far each shard and each writer has got. */
export interface CenterStatus {
  readonly center: string;
  readonly redis: string;
  readonly liveWorkers: readonly string[];
  /** Per shard: its version (the number of writes applied) and the last write's token. */
  readonly shards: readonly { readonly shard: number; readonly version: number; readonly writer: string }[];
  /** Per worker that ever wrote: the highest sequence applied on every shard. */
  readonly writers: readonly { readonly worker: string; readonly sequence: number }[];
  readonly description: CenterDescription;
}

async function scanKeys(redis: RedisClient, pattern: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    for (const key of keys) found.add(key);
    cursor = next;
  } while (cursor !== '0');
  return [...found].sort();
}

export async function centerStatus(
  target: RedisTarget,
  description: CenterDescription,
): Promise<CenterStatus> {
  const keys = (await loadRedisModule()).centerKeys(target.center);
  return withClient(target, async (redis) => {
    const meta = await redis.hgetall(keys.meta);
    const shardCount = meta.length ? Math.ceil(Number(meta.length) / Number(meta.shardFloats)) : 0;
    const shards = [];
    for (let i = 0; i < shardCount; i++) {
      const [version, writer] = await redis.hmget(keys.shard(i), 'version', 'writer');
      shards.push({ shard: i, version: Number(version ?? -1), writer: writer ?? '(missing)' });
    }
    const alivePrefix = keys.heartbeatPattern.slice(0, -1);
    const liveWorkers = (await scanKeys(redis, keys.heartbeatPattern)).map((k) =>
      k.slice(alivePrefix.length),
    );
    const writesPrefix = `${target.center}:writes:`;
    const writers = [];
    for (const key of await scanKeys(redis, `${writesPrefix}*`)) {
      const applied = Object.values(await redis.hgetall(key)).map(Number);
      writers.push({ worker: key.slice(writesPrefix.length), sequence: Math.min(...applied) });
    }
    return { center: target.center, redis: target.shown, liveWorkers, shards, writers, description };
  });
}

export function formatCenterStatus(status: CenterStatus, outcome: string): string {
  const d = status.description;
  const p = d.parallel;
  const lines = [
    `center "${status.center}" at ${status.redis}: ${outcome}`,
    `run: ${d.rule} on ${d.dataset}${d.preset ? ` (preset ${d.preset})` : ''}, ${d.length} values, ` +
      `${d.fit.epochs} epochs per worker, batch ${d.fit.batchSize}, lr ${d.fit.learningRate}, seed ${d.fit.seed}`,
    `parallel: ${p.method}, ${p.workers} workers expected, tau ${p.tau}, alpha ${p.alpha}` +
      (p.method === 'eamsgd' ? `, delta ${p.delta}` : ''),
    `live workers: ${status.liveWorkers.length > 0 ? status.liveWorkers.join(', ') : 'none'}`,
    ...status.shards.map((s) => `shard ${s.shard}: version ${s.version}, last write ${s.writer}`),
    ...status.writers.map((w) => `writer ${w.worker}: last write #${w.sequence}`),
  ];
  return `${lines.join('\n')}\n`;
}
