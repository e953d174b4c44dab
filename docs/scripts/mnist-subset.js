// Writes a small MNIST subset (the first 2,000 training and 500 test samples, gzipped IDX) into
// docs/public/mnist-subset/, which VitePress copies into the built site: the live examples'
// default data URL, so they work offline without the site bundling MNIST. It is cut from the
// real files (md5-checked) when this machine has them; otherwise it says so and writes nothing,
// and the examples fall back to a public mirror. Runs before `vitepress build`:
//   node scripts/mnist-subset.js [--train 2000] [--test 500] [--out <dir>] [--require]
/* global console, process */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { MNIST_FAMILIES, defaultDataDir, encodeIdx, md5File, readIdx } from 'plasticity/node';

export const SUBSET_FOLDER = 'mnist-subset';
export const DEFAULT_OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', SUBSET_FOLDER);
/**
 * The project's shared data lives beside the checkout (`<repo root>/../shared/data/mnist`),
 * looked at after the data dir the CLI uses.
 */
export const SHARED_MNIST_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'shared',
  'data',
  'mnist',
);

const ROLES = [
  ['trainImages', 'train', 'images'],
  ['trainLabels', 'train', 'labels'],
  ['testImages', 'test', 'images'],
  ['testLabels', 'test', 'labels'],
];

/**
 * Where the real files may be, in the order looked at: the CLI's data dir (PLASTICITY_DATA_DIR
 * or ~/.cache/plasticity), then the shared copy beside the checkout (not with
 * PLASTICITY_TEST_NO_SHARED=1, which tests set to behave as on a fresh clone).
 */
export function sourceFolders() {
  const shared = process.env.PLASTICITY_TEST_NO_SHARED === '1' ? [] : [SHARED_MNIST_DIR];
  return [join(defaultDataDir(), 'mnist'), ...shared];
}

/**
 * The first folder holding all four canonical gzipped files with the md5s MNIST is published
 * with, as `{ folder, files: { role: path } }`; or `{ reasons }` saying why each folder did not do.
 */
export async function findMnist(folders, md5s = canonicalMd5s()) {
  const reasons = [];
  for (const folder of folders) {
    const files = {};
    let problem;
    for (const [role] of ROLES) {
      const { file } = MNIST_FAMILIES.mnist.files[role];
      const path = join(folder, file);
      if (!existsSync(path)) {
        problem = `${path} is missing`;
        break;
      }
      const sum = await md5File(path);
      if (sum !== md5s[role]) {
        problem = `${path} has md5 ${sum}, not MNIST's ${md5s[role]}`;
        break;
      }
      files[role] = path;
    }
    if (problem === undefined) return { folder, files };
    reasons.push(problem);
  }
  return { reasons };
}

export function canonicalMd5s() {
  return Object.fromEntries(ROLES.map(([role]) => [role, MNIST_FAMILIES.mnist.files[role].md5]));
}

/**
 * Cuts the first `train` / `test` samples out of the four files and writes them, gzipped IDX
 * under the canonical names, with `subset.json` describing them, into `out` (replaced whole).
 */
export async function writeSubset(files, out, { train = 2000, test = 500 } = {}) {
  const counts = { train, test };
  const written = {};
  const outputs = [];
  for (const [role, split, kind] of ROLES) {
    const idx = await readIdx(files[role], kind);
    const count = Math.min(counts[split], idx.dims[0]);
    const width = idx.dims.slice(1).reduce((a, b) => a * b, 1);
    const bytes = encodeIdx([count, ...idx.dims.slice(1)], idx.data.subarray(0, count * width));
    const name = MNIST_FAMILIES.mnist.files[role].file;
    outputs.push([name, gzipSync(bytes, { level: 9 })]);
    written[split] = count;
  }
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  for (const [name, bytes] of outputs) await writeFile(join(out, name), bytes);
  const manifest = {
    dataset: 'mnist',
    train: written.train,
    test: written.test,
    note: `The first ${written.train} training and ${written.test} test samples of MNIST (LeCun et al. 1998), cut at build time from the published files (md5-checked).`,
    files: outputs.map(([name, bytes]) => ({ name, bytes: bytes.byteLength })),
  };
  await writeFile(join(out, 'subset.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function parseArgs(argv) {
  const options = { train: 2000, test: 500, out: DEFAULT_OUT, require: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--require') options.require = true;
    else if (flag === '--out') options.out = resolve(argv[++i] ?? '');
    else if (flag === '--train' || flag === '--test') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1)
        throw new Error(`${flag} needs a whole number ≥ 1, got ${argv[i]}`);
      options[flag.slice(2)] = value;
    } else throw new Error(`unknown option ${flag} (known: --train N, --test N, --out DIR, --require)`);
  }
  return options;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const found = await findMnist(sourceFolders());
  if (found.files === undefined) {
    const say = options.require ? console.error : console.warn;
    say(
      `mnist-subset: no MNIST files here, so the site has no built-in MNIST subset; the MNIST examples ` +
        `will fetch from a public mirror instead. (${found.reasons.join('; ')}.) To build it, put the four ` +
        `.gz files in $PLASTICITY_DATA_DIR/mnist/ (any \`plasticity train <rule> --dataset mnist\` run downloads them there).`,
    );
    process.exitCode = options.require ? 1 : 0;
    return;
  }
  const manifest = await writeSubset(found.files, options.out, options);
  const size = manifest.files.reduce((a, f) => a + f.bytes, 0);
  console.log(
    `mnist-subset: ${manifest.train} train + ${manifest.test} test samples from ${found.folder} → ${options.out} (${(size / 1024).toFixed(0)} KiB gzipped)`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`mnist-subset: ${error.message}`);
    process.exitCode = 1;
  });
}
