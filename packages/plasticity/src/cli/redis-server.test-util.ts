// A real redis-server for the CLI's Redis tests: 127.0.0.1, a free port, its own temporary
// directory, a password for the default user; `redisCli` runs redis-cli against it as that user.
// (A smaller cousin of optimizers-easgd's redis-server.test-util.ts.)
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM files for `tls`: a CA and the server certificate it signed for 127.0.0.1. */
export interface TestTls {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

export interface TestRedis {
  readonly port: number;
  /** `redis://default:<password>@127.0.0.1:<port>` (`rediss://` with TLS). */
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

async function launch(port: number, dir: string, password: string, tls?: TestTls): Promise<ChildProcess> {
  const args = ['--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  args.push('--appendonly', 'yes', '--appendfsync', 'always', '--requirepass', password);
  if (tls) {
    args.push('--port', '0', '--tls-port', String(port), '--tls-auth-clients', 'no');
    args.push('--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.ca);
  } else args.push('--port', String(port));
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

/** A CA and a server certificate it signs for 127.0.0.1, made with openssl in `dir`. */
export function makeTestTls(dir: string): TestTls {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const subject = (cn: string) => ['-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`];
  openssl(
    'req',
    '-x509',
    ...subject('plasticity test ca'),
    '-days',
    '2',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.crt'),
  );
  writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl('req', ...subject('127.0.0.1'), '-keyout', file('server.key'), '-out', file('server.csr'));
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
  return { ca: file('ca.crt'), cert: file('server.crt'), key: file('server.key') };
}

export async function startTestRedis(password: string, tls?: TestTls): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'plasticity-redis-'));
  let port = await freePort();
  let child: ChildProcess | undefined;
  for (let attempt = 0; !child; attempt++) {
    try {
      child = await launch(port, dir, password, tls);
    } catch (error) {
      if (attempt >= 3) throw error; // the port was taken between freePort and bind
      port = await freePort();
    }
  }
  const server = child;
  const urlFor = (user: string, secret: string) =>
    `${tls ? 'rediss' : 'redis'}://${encodeURIComponent(user)}:${encodeURIComponent(secret)}@127.0.0.1:${port}`;
  return {
    port,
    adminUrl: urlFor('default', password),
    urlFor,
    redisCli: (...args) =>
      execFileSync(
        'redis-cli',
        [
          ...(tls ? ['--tls', '--cacert', tls.ca] : []),
          '-p',
          String(port),
          '--no-auth-warning',
          '-a',
          password,
          ...args,
        ],
        {
          encoding: 'utf8',
        },
      ),
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
