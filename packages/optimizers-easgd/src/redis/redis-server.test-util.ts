// A real redis-server for the tests: 127.0.0.1, a free port, its own temporary directory, stopped
// (or SIGKILLed and restarted on the same port and directory) by the test that started it.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestRedisOptions {
  /** `always` (every acknowledged write is on disk), `everysec`, `no`, or no AOF at all (`off`). */
  readonly appendfsync?: 'always' | 'everysec' | 'no' | 'off';
  /** An RDB snapshot rule (`save "60 1"`); none by default. */
  readonly save?: string;
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
  /** SIGKILL: no shutdown save, exactly what a crash leaves on disk. */
  kill(): Promise<void>;
  /** Starts again on the same port and directory (reloading the AOF or RDB there). */
  restart(): Promise<void>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function serverArgs(port: number, dir: string, options: TestRedisOptions): string[] {
  const fsync = options.appendfsync ?? 'always';
  const args = ['--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no', '--logfile', ''];
  args.push('--save', options.save ?? '');
  if (fsync === 'off') args.push('--appendonly', 'no');
  else args.push('--appendonly', 'yes', '--appendfsync', fsync);
  if (options.requirePass) args.push('--requirepass', options.requirePass);
  if (options.maxmemoryPolicy) args.push('--maxmemory-policy', options.maxmemoryPolicy);
  if (options.tls) {
    args.push('--port', '0', '--tls-port', String(port));
    args.push('--tls-cert-file', options.tls.cert, '--tls-key-file', options.tls.key);
    args.push('--tls-ca-cert-file', options.tls.ca, '--tls-auth-clients', 'no');
  } else args.push('--port', String(port));
  return args;
}

async function launch(args: string[]): Promise<ChildProcess> {
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

async function killAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'easgd-redis-'));
  let port = await freePort();
  let child: ChildProcess | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      child = await launch(serverArgs(port, dir, options));
      break;
    } catch (error) {
      if (attempt >= 3) throw error; // the port was taken between freePort and bind: try another
      port = await freePort();
    }
  }
  const scheme = options.tls ? 'rediss' : 'redis';
  return {
    host: '127.0.0.1',
    port,
    dir,
    url: `${scheme}://127.0.0.1:${port}`,
    async kill() {
      if (child) await killAndWait(child, 'SIGKILL');
    },
    async restart() {
      if (child) await killAndWait(child, 'SIGKILL');
      child = await launch(serverArgs(port, dir, options));
    },
    async stop() {
      if (child) await killAndWait(child, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestCertificates {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  /** A CA that did not sign the server's certificate. */
  readonly otherCa: string;
}

/** A CA, a server certificate it signs for 127.0.0.1, and an unrelated CA, made with openssl. */
export function makeTestCertificates(dir: string): TestCertificates {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  for (const ca of ['ca', 'other-ca']) {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=easgd test ${ca}`,
      '-keyout',
      file(`${ca}.key`),
      '-out',
      file(`${ca}.crt`),
    );
  }
  writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
  );
  openssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.crt'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    file('san.ext'),
    '-out',
    file('server.crt'),
  );
  return {
    ca: file('ca.crt'),
    cert: file('server.crt'),
    key: file('server.key'),
    otherCa: file('other-ca.crt'),
  };
}
