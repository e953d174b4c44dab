import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  PlasticityError,
  atomicWriteFile,
  getExperiment,
  listExperiments,
  validateWithSchema,
} from '@plasticity/core-tensors';
import type { ExperimentResult } from '@plasticity/core-tensors';
import { renderExperimentReport } from '../experiment/experiment-report.js';
import { parseExperimentOptions } from '../experiment/experiment-options.js';
import type { CliContext, CliIO } from '../io.js';
import { importPlugins, normalizePluginSpecifiers } from '../plugins.js';
import { prepareOutputDir } from '../output-dir.js';
import { timestamp } from '../run-dir.js';
import { collectVersions } from '../versions.js';

export interface ExperimentFlags {
  readonly out?: string;
  readonly seed?: string;
  readonly json?: boolean;
  readonly overwrite?: boolean;
  readonly quiet?: boolean;
  readonly dryRun?: boolean;
  readonly plugin?: readonly string[];
}

/** What `experiment --json` prints, and `figures.json` in the output folder holds. */
export interface ExperimentRecord {
  readonly format: 'plasticity-experiment/1';
  readonly experiment: string;
  readonly seed: number;
  /** The validated options, defaults filled in. */
  readonly options: unknown;
  readonly figures: ExperimentResult['figures'];
  readonly seconds: number;
  readonly out: string;
  readonly versions: Readonly<Record<string, string>>;
}

export const FIGURES_FILE = 'figures.json';
export const REPORT_FILE = 'report.html';

function parseSeed(text: string | undefined): number {
  if (text === undefined) return 0;
  const seed = Number(text);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new PlasticityError('E_USAGE', `--seed must be a non-negative integer, got "${text}"`, {
      option: '--seed',
    });
  }
  return seed;
}

/**
 * The folder the experiment writes to: `--out`, else `runs/<name>-<time>` (with `-2`, `-3` when
 * taken). An existing folder with an experiment in it is kept unless `--overwrite`.
 */
function outputFolder(name: string, flags: ExperimentFlags, io: CliIO): string {
  if (flags.out !== undefined) {
    const out = resolve(io.cwd, flags.out);
    const holdsExperiment = existsSync(join(out, FIGURES_FILE));
    const isFile = existsSync(out) && !statSync(out).isDirectory();
    if (isFile) {
      throw new PlasticityError(
        'E_OUTPUT',
        `--out ${out} is a file; give a folder for the report and figures`,
        {
          out,
        },
      );
    }
    if (holdsExperiment && !flags.overwrite) {
      throw new PlasticityError(
        'E_OUTPUT',
        `--out ${out} already holds an experiment (${FIGURES_FILE}); pass --overwrite to replace it or choose another folder`,
        { out },
      );
    }
    return out;
  }
  const base = resolve(io.cwd, 'runs', `${name}-${timestamp(new Date())}`);
  for (let n = 1; ; n++) {
    const out = n === 1 ? base : `${base}-${n}`;
    if (!existsSync(out) || readdirSync(out).length === 0) return out;
  }
}

/** Prints progress lines to stderr, at most one per second (and every stage change). */
function progressPrinter(
  name: string,
  io: CliIO,
  quiet: boolean,
): (message: string, fraction?: number) => void {
  let last = 0;
  let lastMessage = '';
  return (message, fraction) => {
    if (quiet) return;
    const now = Date.now();
    if (message === lastMessage && now - last < 1000) return;
    last = now;
    lastMessage = message;
    const pct = fraction === undefined ? '' : ` (${Math.round(fraction * 100)}%)`;
    io.stderr.write(`${name}: ${message}${pct}\n`);
  };
}

/** Runs one registered experiment and writes its figures and HTML report (nothing with `dryRun`). */
export async function runExperiment(
  name: string,
  words: readonly string[],
  flags: ExperimentFlags,
  io: CliIO,
  signal?: AbortSignal,
): Promise<ExperimentRecord | undefined> {
  await importPlugins(normalizePluginSpecifiers(flags.plugin ?? [], io.cwd));
  const experiment = getExperiment(name);
  const raw = parseExperimentOptions(words, experiment.optionsSchema, name);
  const options = validateWithSchema(experiment.optionsSchema, raw, {
    what: `options for experiment "${name}"`,
  });
  const seed = parseSeed(flags.seed);
  const out = outputFolder(name, flags, io);
  if (flags.dryRun) {
    // Checks everything that can be checked without running (the docs test uses it for long ones).
    io.stdout.write(
      `would run ${name} with seed ${seed} and ${JSON.stringify(options)}, writing to ${out}\n`,
    );
    return undefined;
  }
  prepareOutputDir(out);

  const started = performance.now();
  const result = await experiment.run(options, {
    seed,
    signal,
    onProgress: progressPrinter(name, io, Boolean(flags.quiet || flags.json)),
    readText: async (path) => {
      const file = resolve(io.cwd, path);
      try {
        return readFileSync(file, 'utf8');
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? String(error);
        throw new PlasticityError('E_USAGE', `cannot read ${file} (${reason})`, { file }, { cause: error });
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const versions = collectVersions();
  const record: ExperimentRecord = {
    format: 'plasticity-experiment/1',
    experiment: name,
    seed,
    options,
    figures: result.figures,
    seconds,
    out,
    versions,
  };
  const footer = `${Object.entries(versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(' · ')} · ${new Date().toISOString()}`;
  await atomicWriteFile(join(out, FIGURES_FILE), `${JSON.stringify(record, null, 2)}\n`);
  await atomicWriteFile(
    join(out, REPORT_FILE),
    renderExperimentReport({ name, summary: experiment.summary, seed, options, result, footer, seconds }),
  );
  if (flags.json) io.stdout.write(`${JSON.stringify(record)}\n`);
  else {
    io.stdout.write(`${name}: ${JSON.stringify(result.figures)}\n`);
    io.stdout.write(`report written to ${join(out, REPORT_FILE)} (${seconds.toFixed(1)} s)\n`);
  }
  return record;
}

/** `experiment` without a name: the registered experiments, one per line. */
function listLines(): string {
  const all = listExperiments();
  if (all.length === 0) return 'no experiments are registered\n';
  const width = Math.max(...all.map((e) => e.name.length));
  return `${all.map((e) => `${e.name.padEnd(width)}  ${e.summary}`).join('\n')}\n`;
}

export function registerExperiment(program: Command, context: CliContext): void {
  program
    .command('experiment')
    .description(
      "run a package's published experiment (e.g. btsp-place-field) and write its figures and report",
    )
    .argument('[name]', 'the experiment; without it, the list of experiments')
    .argument('[options...]', "the experiment's own options, --name value (see its package README)")
    .option('-o, --out <dir>', 'the folder for figures.json and report.html (default runs/<name>-<time>)')
    .option('--seed <n>', 'seed of every random draw', '0')
    .option('--json', 'print the figures, options and seed as one JSON object on stdout')
    .option('--overwrite', 'replace an experiment already in --out')
    .option('-q, --quiet', 'no progress lines')
    .option('--dry-run', 'check the options and the output folder, print what would run, and stop')
    .allowUnknownOption(true)
    .helpOption('-h, --help')
    .action(async (name: string | undefined, words: string[], _flags: unknown, command: Command) => {
      if (name === undefined) {
        const { plugin } = command.optsWithGlobals<ExperimentFlags>();
        await importPlugins(normalizePluginSpecifiers(plugin ?? [], context.io.cwd));
        context.io.stdout.write(listLines());
        return;
      }
      await runExperiment(
        name,
        words,
        command.optsWithGlobals<ExperimentFlags>(),
        context.io,
        context.signal,
      );
    });
}
