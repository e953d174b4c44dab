// A real redis-server for the CLI's Redis tests: 127.0.0.1, a free port, its own temporary
// directory, a password for the default user; `redisCli` runs redis-cli against it as that user.
// (A smaller cousin of optimizers-easgd's redis-server.test-util.ts.)
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestRedis {
  readonly port: number;
  /** `redis://default:<password>@127.0.0.1:<port>`. */
  readonly adminUrl: string;
  /** A URL for `user` with `password` on this server. */
  urlFor(user: string, password: string): string;
  /** redis-cli as the default user; returns its output. */
  redisCli(...args: string[]): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function launch(port: number, dir: string, password: string): Promise<ChildProcess> {
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', ''];
  args.push('--appendonly', 'yes', '--appendfsync', 'always', '--requirepass', password);
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start in 10 s:\n${log}`)), 10_000);
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run redis-server (apt-get install redis-server): ${error.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${log}`));
    });
  });
  child.stdout?.removeAllListeners('data');
  child.stderr?.removeAllListeners('data');
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

export async function startTestRedis(password: string): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'plasticity-redis-'));
  let port = await freePort();
  let child: ChildProcess | undefined;
  for (let attempt = 0; !child; attempt++) {
    try {
      child = await launch(port, dir, password);
    } catch (error) {
      if (attempt >= 3) throw error; // the port was taken between freePort and bind
      port = await freePort();
    }
  }
  const server = child;
  const urlFor = (user: string, secret: string) =>
    `redis://${encodeURIComponent(user)}:${encodeURIComponent(secret)}@127.0.0.1:${port}`;
  return {
    port,
    adminUrl: urlFor('default', password),
    urlFor,
    redisCli: (...args) =>
      execFileSync('redis-cli', ['-p', String(port), '--no-auth-warning', '-a', password, ...args], {
        encoding: 'utf8',
      }),
    async stop() {
      if (server.exitCode === null && server.signalCode === null) {
        await new Promise<void>((resolve) => {
          server.removeAllListeners('exit');
          server.once('exit', () => resolve());
          server.kill('SIGKILL');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
