// Every code block of every README and guide runs here, as a reader would run it: shell
// commands through the CLI, TypeScript as a script in its own Node process, JSON config files
// through `--config`. A block that cannot run (an install line, a type listing) is checked for
// what it claims instead. Placeholders (DIR, ~/data, N) stand for a data folder of small
// fixtures and seed 0; training commands run one epoch.
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import ts from 'typescript';
import { encodeIdx, encodeNpy } from '@plasticity/datasets';
import { cli, tempDir } from '../cli/harness.test-util.js';
import { blocksIn, docFiles, shellCommands } from './doc-blocks.test-util.js';
import type { DocBlock, ShellCommand } from './doc-blocks.test-util.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const rootManifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

/** Every package.json of the workspace: names we publish, and what they depend on. */
const manifests = [
  rootManifest,
  ...readdirSync(join(repo, 'packages')).map(
    (dir) => JSON.parse(readFileSync(join(repo, 'packages', dir, 'package.json'), 'utf8')) as Manifest,
  ),
] as Manifest[];
interface Manifest {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** What the docs write for "your data folder" and "your seed". */
const DATA_PLACEHOLDERS = new Set([
  'DIR',
  '~/data',
  '/data',
  '<folder holding mnist/>',
  '<folder>',
  '/work/shared/data',
]);
const SEED_PLACEHOLDER = 'N';
/** Shell commands the docs may use to make files, run as written by bash. */
const SHELL_TOOLS = new Set(['printf', 'echo', 'mkdir', 'cp', 'mv', 'cat', 'python3']);
/** In code, a quoted data folder: these, and a project-relative 'data'. */
const CODE_DATA_PLACEHOLDERS = [...DATA_PLACEHOLDERS, 'data', './data'];

/** A data folder holding small files in the real formats: MNIST-family IDX, SHD HDF5. */
function fixtureDataDir(): string {
  const dir = tempDir('docs-data');
  const images = (n: number, salt: number) =>
    // Two blobs per class, so one epoch learns something; values are raw uint8 pixels.
    Uint8Array.from({ length: n * 784 }, (_, i) => {
      const sample = Math.floor(i / 784);
      const pixel = i % 784;
      return (sample + salt) % 10 === Math.floor(pixel / 78.4) ? 200 : (pixel * 7 + sample) % 30;
    });
  const labels = (n: number, salt: number) => Uint8Array.from({ length: n }, (_, i) => (i + salt) % 10);
  for (const family of ['mnist', 'fashion-mnist']) {
    mkdirSync(join(dir, family));
    const files: [string, number[], Uint8Array][] = [
      ['train-images-idx3-ubyte', [200, 28, 28], images(200, 0)],
      ['train-labels-idx1-ubyte', [200], labels(200, 0)],
      ['t10k-images-idx3-ubyte', [50, 28, 28], images(50, 3)],
      ['t10k-labels-idx1-ubyte', [50], labels(50, 3)],
    ];
    for (const [name, dims, data] of files) writeFileSync(join(dir, family, name), encodeIdx(dims, data));
  }
  mkdirSync(join(dir, 'shd'));
  const shdMini = join(repo, 'packages', 'datasets', 'src', 'shd', 'fixtures', 'shd-mini.h5');
  for (const split of ['train', 'test']) copyFileSync(shdMini, join(dir, 'shd', `shd_${split}.h5`));
  // The measured CA1 plasticity table of the BTSP docs, as a small file in its format.
  mkdirSync(join(dir, 'btsp'));
  const kernel = join(
    repo,
    'packages',
    'rule-btsp',
    'src',
    'place-field',
    '__fixtures__',
    'kernel-fixture.csv',
  );
  copyFileSync(kernel, join(dir, 'btsp', '20220808_BTSP_CA1_data.csv'));
  return dir;
}

/** A reader's project folder: the packages installed (a link to the workspace's node_modules). */
function scratchDir(doc: string): string {
  const dir = tempDir(`docs-${basename(doc, '.md').replace(/\W/g, '-')}`);
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{"type": "module"}\n');
  // The raw-feature files the eval examples name: Yin-Yang (x, y) points, three classes.
  const rows = 30;
  const x = Float32Array.from({ length: rows * 2 }, (_, i) => ((i * 37) % 100) / 100);
  writeFileSync(join(dir, 'x.npy'), encodeNpy({ data: x, shape: [rows, 2] }));
  writeFileSync(
    join(dir, 'y.npy'),
    encodeNpy({ data: Int32Array.from({ length: rows }, (_, i) => i % 3), shape: [rows] }),
  );
  return dir;
}

function transpile(source: string): string {
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}

/** `npx tsc` in the reader's folder: every .ts there to .js beside it and in dist/. */
function compileScratch(dir: string): void {
  mkdirSync(join(dir, 'dist'), { recursive: true });
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const js = transpile(readFileSync(join(dir, file), 'utf8'));
    writeFileSync(join(dir, file.replace(/\.ts$/, '.js')), js);
    writeFileSync(join(dir, 'dist', file.replace(/\.ts$/, '.js')), js);
  }
}

function runNode(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; output: string }> {
  return runProcess(process.execPath, args, cwd, env);
}

function runProcess(
  program: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      program,
      args,
      { cwd, timeout: 300_000, env: { ...process.env, DEBUG: '', ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, output: `${error && code === -1 ? `${error.message}\n` : ''}${stdout}${stderr}` });
      },
    );
  });
}

const where = (block: DocBlock): string => `${block.doc}:${block.line}`;

/** `plasticity ...` as the docs write it, made runnable here: placeholders filled, one epoch. */
function cliArgs(words: readonly string[], dataDir: string): string[] {
  // A placeholder alone is the data folder; one followed by `/...` a file in it.
  const args = words.map((w) => {
    if (DATA_PLACEHOLDERS.has(w)) return dataDir;
    const slash = w.indexOf('/', 1);
    for (let at = slash; at > 0; at = w.indexOf('/', at + 1))
      if (DATA_PLACEHOLDERS.has(w.slice(0, at))) return dataDir + w.slice(at);
    return w;
  });
  for (let i = 1; i < args.length; i++)
    if (args[i] === SEED_PLACEHOLDER && args[i - 1] === '--seed') args[i] = '0';
  const training = args.includes('train') && !args.includes('--resume');
  return training ? [...args, '--epochs', '1'] : args;
}

/**
 * An experiment the docs say takes minutes (`# takes 2 minutes`) is checked with `--dry-run`:
 * its options and output folder; running it is its package's tests' job, at a smaller size.
 */
function dryRunIfLong(args: string[], command: ShellCommand): string[] {
  return args[0] === 'experiment' && /\btakes\b/.test(command.comment) ? [...args, '--dry-run'] : args;
}

/** `# exits 2` after a command: the status the docs promise; 0 otherwise. */
function expectedStatus(command: ShellCommand): number {
  const m = /exits (\d+)/.exec(command.comment);
  return m ? Number(m[1]) : 0;
}

function dependencyRanges(name: string): string[] {
  return manifests.flatMap((m) =>
    [m.dependencies, m.peerDependencies, m.optionalDependencies, m.devDependencies]
      .map((deps) => deps?.[name])
      .filter((range): range is string => range !== undefined),
  );
}

/** `npm install a b@1.2.3`: each package is ours, or one our packages name, at a version we accept. */
function checkInstall(words: readonly string[], block: DocBlock): void {
  for (const spec of words.slice(2).filter((w) => !w.startsWith('-'))) {
    const at = spec.lastIndexOf('@');
    const [name, version] = at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, undefined];
    const ours = manifests.find((m) => m.name === name);
    const ranges = dependencyRanges(name);
    expect({ at: where(block), name, known: Boolean(ours) || ranges.length > 0 }).toEqual({
      at: where(block),
      name,
      known: true,
    });
    if (version !== undefined) {
      const accepted = ours ? [ours.version ?? ''] : ranges;
      expect({
        at: where(block),
        spec,
        accepted: accepted.some((r) => r.replace(/^[\^~]/, '') === version),
      }).toEqual({
        at: where(block),
        spec,
        accepted: true,
      });
    }
  }
}

async function runCommand(
  command: ShellCommand,
  block: DocBlock,
  cwd: string,
  dataDir: string,
): Promise<void> {
  const [program, ...rest] = command.words;
  const words = program === 'npx' ? rest : command.words;
  const label = `${where(block)}: ${command.text}`;
  if (words[0] === 'plasticity') {
    const args = dryRunIfLong(cliArgs(words.slice(1), dataDir), command);
    const run = await cli(args, { cwd, env: { PLASTICITY_DATA_DIR: dataDir } });
    expect({
      command: label,
      status: run.code,
      stderr: run.code === expectedStatus(command) ? '' : run.stderr,
    }).toEqual({
      command: label,
      status: expectedStatus(command),
      stderr: '',
    });
    return;
  }
  if (words[0] === 'tsc') return compileScratch(cwd);
  if (SHELL_TOOLS.has(program)) {
    // Plain shell lines that make a reader's files (printf ... > points.csv).
    const run = await runProcess('bash', ['-c', command.text], cwd);
    expect({ command: label, status: run.code, output: run.code === 0 ? '' : run.output }).toEqual({
      command: label,
      status: 0,
      output: '',
    });
    return;
  }
  if (program !== 'npm') throw new Error(`${label}: the docs test does not know how to run "${program}"`);
  const [verb, script, ...args] = rest;
  if (verb === 'ci') return expect(existsSync(join(repo, 'package-lock.json'))).toBe(true);
  if (verb === 'install') return checkInstall(command.words, block);
  const name = verb === 'test' ? 'test' : script;
  expect({ command: label, script: name, defined: name in rootManifest.scripts }).toEqual({
    command: label,
    script: name,
    defined: true,
  });
  const scriptArgs = args[0] === '--' ? args.slice(1) : args;
  if (name === 'demo') {
    const line = rootManifest.scripts.demo;
    await runCommand({ words: line.split(/\s+/), comment: '', text: line }, block, cwd, dataDir);
  } else if (name === 'bench') {
    // The flags are checked by the bench itself; measuring is `npm run bench`'s own job.
    const run = await runNode([join(repo, 'tools', 'bench', 'run.js'), ...scriptArgs, '--dry-run'], repo);
    expect({ command: label, status: run.code, output: run.code === 0 ? '' : run.output }).toEqual({
      command: label,
      status: 0,
      output: '',
    });
  }
  // `npm test` and `npm run build` are what this test runs inside of.
}

async function runScript(block: DocBlock, cwd: string, dataDir: string): Promise<void> {
  const file = join(cwd, `block-${basename(block.doc, '.md')}-${block.line}.mjs`);
  // A quoted placeholder ('/data') is the reader's data folder, as on the command line.
  let code = block.code;
  for (const placeholder of CODE_DATA_PLACEHOLDERS)
    code = code.replaceAll(`'${placeholder}'`, JSON.stringify(dataDir));
  writeFileSync(file, transpile(code));
  const run = await runNode([file], cwd, { PLASTICITY_DATA_DIR: dataDir });
  expect({ block: where(block), status: run.code, output: run.code === 0 ? '' : run.output }).toEqual({
    block: where(block),
    status: 0,
    output: '',
  });
}

/** A type listing: only interface and type declarations (with comments), nothing to execute. */
function isListing(code: string): boolean {
  const withoutComments = code.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
  return /^\s*((export\s+)?(interface|type)\s+\w+[\s\S]*?\n\}\s*;?\s*)+$/.test(withoutComments);
}

/** The root README and the guides are one reader's project, followed in order. */
const GUIDE_ORDER = [
  'README.md',
  'docs/getting-started.md',
  'docs/cli.md',
  'docs/spiking.md',
  'docs/local-learning.md',
];
let guidesDir: string | undefined;

function projectFor(doc: string): string {
  if (!GUIDE_ORDER.includes(doc)) return scratchDir(doc);
  guidesDir ??= scratchDir('guides');
  return guidesDir;
}

async function runDoc(doc: string, dataDir: string): Promise<void> {
  const cwd = projectFor(doc);
  const blocks = blocksIn(repo, doc);
  // The files a page shows (`<!-- file: x.json -->`, examples) are in the reader's folder from the start.
  for (const block of blocks) {
    const file = block.markers.file ?? (block.markers.example ? basename(block.markers.example) : undefined);
    if (file) writeFileSync(join(cwd, file), block.code);
  }
  for (const block of blocks) {
    const file = block.markers.file ?? block.markers.example;
    if (block.lang === 'ts' || block.lang === 'typescript' || block.lang === 'js') {
      if (block.markers.example) {
        // The file runs in its package's tests; the block must show it as it is.
        const source = readFileSync(join(repo, block.markers.example), 'utf8').replaceAll(
          "from '../index.js'",
          "from 'plasticity'",
        );
        expect({ block: where(block), code: block.code }).toEqual({ block: where(block), code: source });
      } else if ('listing' in block.markers) {
        expect({ block: where(block), listing: isListing(block.code) }).toEqual({
          block: where(block),
          listing: true,
        });
      } else if (!file) {
        compileScratch(cwd);
        await runScript(block, cwd, dataDir);
      }
    } else if (block.lang === 'json') {
      JSON.parse(block.code); // output samples and config files alike are valid JSON
    } else if (['sh', 'bash', 'shell', 'console'].includes(block.lang)) {
      for (const command of shellCommands(block.code)) await runCommand(command, block, cwd, dataDir);
    } else if (block.lang === 'python') {
      // Python readers of our files (numpy): CI installs Debian's python3-numpy.
      const file = join(cwd, `block-${basename(doc, '.md')}-${block.line}.py`);
      writeFileSync(file, block.code);
      const run = await runProcess('python3', [file], cwd);
      expect({ block: where(block), status: run.code, output: run.code === 0 ? '' : run.output }).toEqual({
        block: where(block),
        status: 0,
        output: '',
      });
    } else if (block.lang !== 'text' && block.lang !== '') {
      throw new Error(`${where(block)}: code block language "${block.lang}" is not run by the docs test`);
    }
  }
}

const order = (doc: string): number => {
  const i = GUIDE_ORDER.indexOf(doc);
  return i < 0 ? GUIDE_ORDER.length : i;
};

describe('every code block in the docs runs', () => {
  const dataDir = fixtureDataDir();
  const docs = docFiles(repo).sort((a, b) => order(a) - order(b));
  test.each(docs)('%s', async (doc) => runDoc(doc, dataDir), 900_000);
});
