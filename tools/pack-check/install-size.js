#!/usr/bin/env node
// Install size of each published package: its own unpacked size (npm pack --dry-run) plus what
// its dependency closure adds on disk (the other workspace packages it pulls in, and the
// registry packages, installed into a temp dir with --no-package-lock; optional peers left out).
// Used for the sizes stated in the package READMEs.   node tools/pack-check/install-size.js
/* global console */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packagesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packages');
const packages = readdirSync(packagesDir)
  .map((dir) => ({
    dir: join(packagesDir, dir),
    manifest: JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')),
  }))
  .filter(({ manifest }) => !manifest.private);
const byName = new Map(packages.map((p) => [p.manifest.name, p]));

function ownSize({ dir }) {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: dir,
    encoding: 'utf8',
  });
  return JSON.parse(out)[0].unpackedSize;
}

/** Workspace packages and registry specs `name` installs (dependencies and required peers). */
function closure(name, workspace = new Set(), registry = new Set()) {
  if (workspace.has(name)) return { workspace, registry };
  workspace.add(name);
  const { dependencies = {}, peerDependencies = {}, peerDependenciesMeta = {} } = byName.get(name).manifest;
  const required = Object.entries(peerDependencies).filter(([dep]) => !peerDependenciesMeta[dep]?.optional);
  for (const [dep, range] of [...Object.entries(dependencies), ...required]) {
    if (byName.has(dep)) closure(dep, workspace, registry);
    else registry.add(`${dep}@${range}`);
  }
  return { workspace, registry };
}

function installedBytes(specs) {
  const dir = mkdtempSync(join(tmpdir(), 'install-size-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{"private": true}');
    const flags = ['--no-package-lock', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'];
    execFileSync('npm', ['install', ...flags, ...specs], { cwd: dir, stdio: 'ignore' });
    return Number(
      execFileSync('du', ['-sb', join(dir, 'node_modules')], { encoding: 'utf8' }).split('\t')[0],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const own = new Map(packages.map((p) => [p.manifest.name, ownSize(p)]));
const installs = new Map();
for (const { manifest } of packages) {
  const { workspace, registry } = closure(manifest.name);
  const key = [...registry].sort().join(' ');
  if (!installs.has(key)) installs.set(key, installedBytes([...registry]));
  const total = [...workspace].reduce((sum, name) => sum + own.get(name), 0) + installs.get(key);
  console.log(
    `${manifest.name}: ${(own.get(manifest.name) / 1e3).toFixed(0)} kB own, ${(total / 1e6).toFixed(1)} MB installed`,
  );
}
