// The workspace's published packages and their public entries (the `exports` map), read from
// each package.json: the site's package pages, API reference and sidebar all come from here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REPO_URL = 'https://github.com/plasticity-js/plasticity';

/** The order of the root README's table: the umbrella, the core, then rules, then optimizers. */
const ORDER = [
  'plasticity',
  'core-tensors',
  'datasets',
  'neurons',
  'rule-eventprop',
  'rule-forward-forward',
  'rule-least-control',
  'rule-smooth-exact',
  'rule-spike-event',
  'rule-stdp',
  'rule-btsp',
  'rule-bptt',
  'rule-backprop',
  'optimizers-easgd',
];

/** `./dist/x/index.d.ts` → `src/x/index.ts`: the source TypeDoc reads for an entry. */
function sourceOf(dir, target) {
  let types = target;
  while (types && typeof types === 'object') types = types.types ?? types.default;
  if (typeof types !== 'string' || !types.startsWith('./dist/') || !types.endsWith('.d.ts')) {
    throw new Error(`packages/${dir}/package.json: cannot map export ${JSON.stringify(target)} to a source`);
  }
  const source = join('packages', dir, 'src', types.slice('./dist/'.length, -'.d.ts'.length) + '.ts');
  if (!existsSync(join(repoRoot, source)))
    throw new Error(`${source} (an export of packages/${dir}) does not exist`);
  return source;
}

/**
 * The API page of an entry, relative to the site root, without extension, where
 * typedoc-plugin-markdown writes it (flat files, scope dropped): `api/reference/optimizers-easgd.redis`.
 */
function apiPage(entry) {
  return `api/reference/${entry.replace(/^@[^/]+\//, '').replace(/\//g, '.')}`;
}

function load() {
  const dirs = readdirSync(join(repoRoot, 'packages')).filter((d) =>
    existsSync(join(repoRoot, 'packages', d, 'package.json')),
  );
  dirs.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return dirs.map((dir) => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8'));
    const entries = Object.entries(manifest.exports ?? {})
      .filter(([key]) => key !== './package.json')
      .map(([key, target]) => {
        const name = key === '.' ? manifest.name : manifest.name + key.slice(1);
        return { name, source: sourceOf(dir, target), page: apiPage(name) };
      });
    return {
      dir,
      name: manifest.name,
      description: manifest.description ?? '',
      page: `packages/${dir}`,
      entries,
    };
  });
}

function rank(dir) {
  const i = ORDER.indexOf(dir);
  return i < 0 ? ORDER.length : i;
}

export const packages = load();
