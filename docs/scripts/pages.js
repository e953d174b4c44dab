// Writes the package pages (docs/packages/<dir>.md): each package's README, included as it is
// (VitePress `@include`, so an edit shows at once in `docs:dev`), under its install line and
// links to its API reference. The READMEs stay the one source; these pages are not committed.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packages, repoRoot, REPO_URL } from '../.vitepress/packages.js';

const outDir = join(repoRoot, 'docs', 'packages');
const GENERATED = '<!-- Written by docs/scripts/pages.js; do not edit: edit the package README. -->';

/** `npm install <name>` and the peers it cannot work without, at the version range's floor. */
export function installLine(dir) {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8'));
  const optional = manifest.peerDependenciesMeta ?? {};
  const peers = Object.entries(manifest.peerDependencies ?? {})
    .filter(([name]) => !optional[name]?.optional)
    .map(([name, range]) => `${name}@${range.replace(/^[\^~>=]+/, '')}`);
  return ['npm install', manifest.name, ...peers].join(' ');
}

function packagePage(pkg) {
  const readme = `packages/${pkg.dir}/README.md`;
  const title = readFileSync(join(repoRoot, readme), 'utf8').split('\n')[0];
  if (!/^# \S/.test(title)) throw new Error(`${readme}: the first line should be its title (# ${pkg.name})`);
  const api = pkg.entries.map((e) => `[\`${e.name}\`](/${e.page}.md)`).join(', ');
  return [
    GENERATED,
    '',
    title,
    '',
    '```sh',
    installLine(pkg.dir),
    '```',
    '',
    `API reference: ${api}. Source: [packages/${pkg.dir}](${REPO_URL}/tree/main/packages/${pkg.dir}).`,
    '',
    `<!--@include: ../../${readme}{2,}-->`,
    '',
  ].join('\n');
}

function indexPage() {
  return [
    GENERATED,
    '',
    '# Packages',
    '',
    'Every package is ESM with types and declares `@tensorflow/tfjs-core` as a peer dependency (one',
    'engine per process). `plasticity` is the umbrella: it re-exports the others, registers the',
    'built-in rules and ships the command line.',
    '',
    '| package | what |',
    '| ------- | ---- |',
    ...packages.map((p) => `| [\`${p.name}\`](/${p.page}.md) | ${p.description.replace(/\|/g, '\\|')} |`),
    '',
  ].join('\n');
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const pkg of packages) writeFileSync(join(repoRoot, 'docs', `${pkg.page}.md`), packagePage(pkg));
writeFileSync(join(outDir, 'index.md'), indexPage());
