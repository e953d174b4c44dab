#!/usr/bin/env node
// The registry this project is developed against serves only the current platform's builds of
// packages such as @nx/nx-<os>-<cpu> and @unrs/resolver-binding-<os>-<cpu>, so `npm install`
// leaves the other platforms' optional dependencies out of package-lock.json and `npm ci` then
// refuses the lockfile as out of sync. This adds a metadata-only entry for each missing one
// (version, optional, os/cpu/libc read off its name): npm skips it on other platforms, and on a
// matching platform resolves it from the registry by version. Run after every `npm install`.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

const LOCK = new URL('../../package-lock.json', import.meta.url);
const OS = [
  'darwin',
  'linux',
  'win32',
  'freebsd',
  'android',
  'openbsd',
  'sunos',
  'aix',
  'netbsd',
  'openharmony',
];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 'riscv64', 's390x', 'wasm32', 'mips64el'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((part) => OS.includes(part));
  const cpu =
    parts.find((part) => CPU.includes(part)) ??
    (parts.includes('gnueabihf') || parts.includes('musleabihf') || parts.includes('eabi')
      ? 'arm'
      : undefined);
  const libc = parts.some((part) => part.startsWith('musl'))
    ? 'musl'
    : parts.some((part) => part.startsWith('gnu'))
      ? 'glibc'
      : undefined;
  return { os, cpu, libc };
}

const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    const nested = `${path}/node_modules/${name}`;
    if (lock.packages[key] || lock.packages[nested]) continue;
    const { os, cpu, libc } = platformOf(name);
    if (!os && !cpu) continue; // not a platform build: a real gap npm should fill itself
    lock.packages[key] = {
      version: range.replace(/^[\^~=]/, ''),
      optional: true,
      ...(os ? { os: [os] } : {}),
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(libc ? { libc: [libc] } : {}),
    };
    added += 1;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
const temp = `${LOCK.pathname}.tmp`;
writeFileSync(temp, `${JSON.stringify(lock, null, 2)}\n`);
renameSync(temp, LOCK);
console.log(`added ${added} platform stub(s) to package-lock.json`);
