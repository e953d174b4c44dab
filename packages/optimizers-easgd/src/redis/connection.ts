// Opening a Redis connection the way a center store needs it: TLS whenever asked for (never a
// plaintext fallback), credentials from the URL or the options, failures at start as clear
// PlasticityErrors, then reconnecting by itself once it has worked.
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { PlasticityError } from '@plasticity/core-tensors';

export interface RedisTlsOptions {
  /** PEM text of the CA that signed the server's certificate. */
  readonly ca?: string | Buffer;
  /** Path of that PEM file (read at connect). */
  readonly caFile?: string;
  /** Host name to check the certificate against, when it differs from the URL's host. */
  readonly servername?: string;
}

export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://...` for TLS. */
  readonly url: string;
  /** ACL user name (Redis 6+); overrides the URL's. */
  readonly username?: string;
  /** Password of that user (or of `requirepass`); overrides the URL's. */
  readonly password?: string;
  /** TLS with this CA; required with a private CA. Giving it makes the connection TLS. */
  readonly tls?: RedisTlsOptions;
  /** Connect timeout, ms (default 10 s). */
  readonly connectTimeoutMs?: number;
  /**
   * How many reconnect attempts a command waits through before it fails (default 20, about 10 s
   * of back-off up to 1 s between attempts).
   */
  readonly maxRetriesPerRequest?: number;
}

function where(url: URL): string {
  return `${url.hostname}:${url.port || 6379}`;
}

/** Turns what Redis or the TLS layer said into a message that says what to change. */
export function explainRedisError(error: unknown, target: string, tls = false): PlasticityError {
  if (error instanceof PlasticityError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string } | undefined)?.code ?? '';
  const fail = (reason: string, text: string) =>
    new PlasticityError(
      'E_CONFIG',
      `Redis at ${target}: ${text}`,
      { reason, redis: message },
      { cause: error },
    );
  if (/^NOAUTH/.test(message))
    return fail('auth', `the server requires a password and none was given (${message.slice(0, 60)}...)`);
  if (/^WRONGPASS/.test(message)) return fail('auth', `wrong user name or password (${message})`);
  if (/NOPERM/.test(message))
    return fail('permission', `this user is not allowed to do that (${message}); see redisAclRules()`);
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT/i.test(code) || /certificate/i.test(message))
    return fail(
      'tls',
      `the server's TLS certificate is not trusted (${code || message}): pass tls.ca / tls.caFile with the CA that signed it`,
    );
  if (/SSL|TLS/i.test(code) || /wrong version number|ssl3|tls/i.test(message))
    return fail(
      'tls',
      `TLS handshake failed (${code || message}): is this port plaintext? use redis:// for a plaintext port, rediss:// for a TLS one`,
    );
  if (tls && (code === 'ETIMEDOUT' || /ETIMEDOUT|timed? ?out/i.test(message)))
    return fail(
      'tls',
      `no TLS handshake before the connect timeout: is this a plaintext port? use redis:// there (${message})`,
    );
  if (code === 'ECONNREFUSED')
    return fail('connection', `connection refused: is redis-server running there?`);
  if (/Connection is closed|ECONNRESET|socket hang up/i.test(message) || code === 'ECONNRESET')
    return fail(
      'connection',
      `the server closed the connection before answering: if this is a TLS port, connect with rediss:// and tls.ca (no plaintext fallback)`,
    );
  return fail('connection', message);
}

/** A connected client, or a PlasticityError saying why not. Reconnects by itself afterwards. */
export async function openRedis(options: RedisConnectionOptions): Promise<Redis> {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new PlasticityError(
      'E_CONFIG',
      `Redis URL "${options.url}" is not a URL (redis://host:port or rediss://host:port)`,
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new PlasticityError(
      'E_CONFIG',
      `Redis URL "${options.url}" must start with redis:// or rediss:// (TLS)`,
    );
  const useTls = url.protocol === 'rediss:' || options.tls !== undefined;
  const ca = options.tls?.ca ?? (options.tls?.caFile ? readFileSync(options.tls.caFile) : undefined);
  const target = where(url);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0)
    throw new PlasticityError('E_CONFIG', `Redis URL "${options.url}": the path must be a database number`);
  let connectedOnce = false;
  const redisOptions: RedisOptions = {
    host: url.hostname,
    port: Number(url.port || 6379),
    db,
    username: options.username ?? (url.username ? decodeURIComponent(url.username) : undefined),
    password: options.password ?? (url.password ? decodeURIComponent(url.password) : undefined),
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    maxRetriesPerRequest: options.maxRetriesPerRequest ?? 20,
    // Before the first success a failure is a configuration problem: report it, do not retry.
    retryStrategy: (attempt) => (connectedOnce ? Math.min(attempt * 50, 1000) : null),
    ...(useTls
      ? {
          tls: {
            ...(ca ? { ca } : {}),
            ...(options.tls?.servername ? { servername: options.tls.servername } : {}),
            rejectUnauthorized: true,
          },
        }
      : {}),
  };
  const client = new Redis(redisOptions);
  let lastError: unknown;
  const remember = (error: unknown) => {
    lastError = error;
  };
  client.on('error', remember);
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw explainRedisError(lastError ?? error, target, useTls);
  }
  connectedOnce = true;
  return client;
}
