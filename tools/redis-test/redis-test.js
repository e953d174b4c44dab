/* global setTimeout, clearTimeout */
// A real redis-server for tests: 127.0.0.1, a free port, its own temporary directory, stopped (or
// SIGKILLed and restarted on the same port and directory) by the test that started it. Needs
// Debian's redis-server and redis-tools (and openssl for the certificates); `.ci/run` installs them.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort() {
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

function serverArgs(port, dir, options) {
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

async function launch(args) {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start in 10 s:\n${log}`)), 10_000);
    const onData = (chunk) => {
      log += chunk.toString();
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run redis-server (apt-get install redis-server): ${error.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${log}`));
    });
  });
  child.stdout.removeAllListeners('data');
  child.stderr.removeAllListeners('data');
  child.stdout.resume();
  child.stderr.resume();
  return child;
}

async function killAndWait(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Starts a redis-server (see redis-test.d.ts for the options and what it returns). */
export async function startTestRedis(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'plasticity-redis-'));
  let port = await freePort();
  let child;
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
    urlFor: (user, password) =>
      `${scheme}://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    redisCli: (...args) =>
      execFileSync(
        'redis-cli',
        [
          ...(options.tls ? ['--tls', '--cacert', options.tls.ca] : []),
          '-p',
          String(port),
          ...(options.requirePass ? ['--no-auth-warning', '-a', options.requirePass] : []),
          ...args,
        ],
        { encoding: 'utf8' },
      ),
    async kill() {
      await killAndWait(child, 'SIGKILL');
    },
    async restart() {
      await killAndWait(child, 'SIGKILL');
      child = await launch(serverArgs(port, dir, options));
    },
    async stop() {
      await killAndWait(child, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A CA, a server certificate it signs for 127.0.0.1, and an unrelated CA, made with openssl in `dir`. */
export function makeTestCertificates(dir) {
  const file = (name) => join(dir, name);
  const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
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
      `/CN=plasticity test ${ca}`,
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
