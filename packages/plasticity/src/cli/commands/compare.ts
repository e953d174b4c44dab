import { mkdirSync, statSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { PlasticityError, atomicWriteFile, isPlasticityError } from '@plasticity/core-tensors';
import type { EpochRecord } from '@plasticity/core-tensors';
import type { CliContext, CliIO } from '../io.js';
import { configDifferences, renderComparePage, summarise } from '../report/compare-page.js';
import type { ComparedRun, ConfigDifference, RunSummary } from '../report/compare-page.js';
import { readMetrics, readRunConfig, runPath } from '../run-dir.js';
import { collectVersions } from '../versions.js';

export interface CompareOptions {
  /** The page to write (default `compare.html` in the current directory). */
  readonly out?: string;
  readonly json?: boolean;
}

/** What `compare --json` prints. */
export interface CompareResult {
  readonly out: string;
  readonly runs: readonly RunSummary[];
  /** Only the settings that differ between the runs, each run's value (`null`: not set). */
  readonly differences: readonly ConfigDifference[];
  /** How many settings are the same in every run. */
  readonly identical: number;
  readonly sameDataset: boolean;
}

const DEFAULT_OUT = 'compare.html';

/** metrics.jsonl of `dir`: at least one epoch, each line an epoch record. */
function readHistory(dir: string): EpochRecord[] {
  const file = runPath(dir, 'metrics');
  let history: EpochRecord[];
  try {
    history = readMetrics(dir);
  } catch (error) {
    if (isPlasticityError(error)) throw error;
    throw new PlasticityError(
      'E_CHECKPOINT',
      `${file}: cannot read (${String(error)})`,
      { file },
      { cause: error },
    );
  }
  if (history.length === 0) {
    throw new PlasticityError(
      'E_USAGE',
      `${dir} has no finished epoch (${file} is missing or empty): nothing to compare yet`,
      { dir },
    );
  }
  history.forEach((record, i) => {
    const valid =
      record !== null &&
      typeof record === 'object' &&
      Number.isInteger(record.epoch) &&
      record.epoch >= 1 &&
      record.train !== null &&
      typeof record.train === 'object';
    if (!valid) {
      throw new PlasticityError(
        'E_CHECKPOINT',
        `${file}:${i + 1}: not an epoch record (expected {"epoch", "train", ...} as train writes it)`,
        { file, line: i + 1 },
      );
    }
  });
  return history;
}

/** Legend names: the directory names, or paths relative to the current directory when those repeat. */
function runNames(dirs: readonly string[], cwd: string): string[] {
  const bases = dirs.map((dir) => basename(dir));
  if (new Set(bases).size === bases.length) return bases;
  return dirs.map((dir) => {
    const rel = relative(cwd, dir);
    return rel === '' ? '.' : rel.startsWith('..') ? dir : rel;
  });
}

/** The page's path, checked before any run is read: a directory or an unwritable place is refused. */
function outputPath(options: CompareOptions, io: CliIO): string {
  const out = resolve(io.cwd, options.out ?? DEFAULT_OUT);
  let isDirectory = false;
  try {
    isDirectory = statSync(out).isDirectory();
  } catch {
    // not there yet: written below
  }
  if (isDirectory) {
    throw new PlasticityError(
      'E_USAGE',
      `--out ${out} is a directory; give the page's file name (e.g. ${resolve(out, DEFAULT_OUT)})`,
      { out },
    );
  }
  return out;
}

async function writePage(out: string, html: string): Promise<void> {
  try {
    mkdirSync(dirname(out), { recursive: true });
    await atomicWriteFile(out, html);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new PlasticityError(
      'E_USAGE',
      `cannot write --out ${out} (${reason}); choose another path`,
      { out },
      {
        cause: error,
      },
    );
  }
}

function summaryLines(result: CompareResult): string {
  const pct = (v: number | undefined): string => (v === undefined ? '—' : `${(v * 100).toFixed(2)}%`);
  const width = Math.max(...result.runs.map((r) => r.name.length));
  const lines = result.runs.map(
    (r) =>
      `${r.name.padEnd(width)}  ${r.rule} on ${r.dataset}, ${r.epochs} epochs, ` +
      `best val acc ${pct(r.best.validation?.accuracy)}, final test acc ${pct(r.final.test?.accuracy)}`,
  );
  const differ = result.differences.map((d) => d.key);
  lines.push(
    differ.length > 0 ? `settings that differ: ${differ.join(', ')}` : 'the runs have identical settings',
  );
  if (!result.sameDataset) lines.push('note: the runs are on different datasets');
  lines.push(`comparison written to ${result.out}`);
  return `${lines.join('\n')}\n`;
}

/** Reads two or more run directories and writes one HTML page comparing them. */
export async function runCompare(
  dirs: readonly string[],
  options: CompareOptions,
  io: CliIO,
): Promise<CompareResult> {
  if (dirs.length < 2) {
    throw new PlasticityError(
      'E_USAGE',
      `compare needs at least two run directories, got ${dirs.length}: plasticity compare runs/a runs/b [...]`,
    );
  }
  const resolved = dirs.map((dir) => resolve(io.cwd, dir));
  const twice = resolved.find((dir, i) => resolved.indexOf(dir) !== i);
  if (twice) throw new PlasticityError('E_USAGE', `${twice} is given more than once`, { dir: twice });
  const out = outputPath(options, io);

  const names = runNames(resolved, io.cwd);
  const runs: ComparedRun[] = resolved.map((dir, i) => ({
    dir,
    name: names[i],
    config: readRunConfig(dir),
    history: readHistory(dir),
  }));
  const footer = `${Object.entries(collectVersions())
    .map(([k, v]) => `${k} ${v}`)
    .join(' · ')} · ${new Date().toISOString()}`;
  await writePage(out, renderComparePage(runs, footer));

  const { differ, identical } = configDifferences(runs);
  const result: CompareResult = {
    out,
    runs: runs.map(summarise),
    differences: differ,
    identical: identical.length,
    sameDataset: new Set(runs.map((r) => r.config.dataset)).size === 1,
  };
  io.stdout.write(options.json ? `${JSON.stringify(result)}\n` : summaryLines(result));
  return result;
}

export function registerCompare(program: Command, context: CliContext): void {
  program
    .command('compare')
    .description(
      'write one HTML page comparing runs: learning curves overlaid, final metrics, config differences',
    )
    .argument('<runs...>', 'two or more run directories written by `plasticity train`')
    .option('-o, --out <file>', `the page to write (default ${DEFAULT_OUT} in the current directory)`)
    .option('--json', 'print the comparison (final metrics, differing settings) as one JSON object on stdout')
    .action(async (dirs: string[], _flags: unknown, command: Command) => {
      await runCompare(dirs, command.optsWithGlobals<CompareOptions>(), context.io);
    });
}
