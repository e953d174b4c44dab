export interface TestRedisOptions {
  /** `always` (default: every acknowledged write is on disk), `everysec`, `no`, or no AOF at all (`off`). */
  readonly appendfsync?: 'always' | 'everysec' | 'no' | 'off';
  /** An RDB snapshot rule (`save "60 1"`); none by default. */
  readonly save?: string;
  /** A password for the default user (`redisCli` then logs in with it). */
  readonly requirePass?: string;
  readonly maxmemoryPolicy?: string;
  /** Serve TLS only (the plaintext port is closed) with these PEM files. */
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca: string };
}

export interface TestRedis {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly dir: string;
  /** `redis://` or `rediss://` URL without credentials. */
  readonly url: string;
  /** The URL with `user` and `password` (encoded). */
  urlFor(user: string, password: string): string;
  /** redis-cli against this server (as the default user with `requirePass`); returns its output. */
  redisCli(...args: string[]): string;
  /** SIGKILL: no shutdown save, exactly what a crash leaves on disk. */
  kill(): Promise<void>;
  /** Starts again on the same port and directory (reloading the AOF or RDB there). */
  restart(): Promise<void>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

export declare function freePort(): Promise<number>;
export declare function startTestRedis(options?: TestRedisOptions): Promise<TestRedis>;

export interface TestCertificates {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  /** A CA that did not sign the server's certificate. */
  readonly otherCa: string;
}

export declare function makeTestCertificates(dir: string): TestCertificates;
