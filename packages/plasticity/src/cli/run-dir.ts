import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { EasgdConfig } from '@plasticity/optimizers-easgd';
import { join } from 'node:path';
import { PlasticityError, atomicWriteFile } from '@plasticity/core-tensors';
import type { EpochRecord, FitSettings, TaskSpec } from '@plasticity/core-tensors';
import type { PreprocessSpec, UserFilesRecord } from '@plasticity/datasets';
import type { Versions } from './versions.js';

/** Bumped when the run-directory layout changes incompatibly. */
export const RUN_FORMAT = 'plasticity-run/1';

/** The files a run directory holds (`checkpoint` is a directory written by core's trainer). */
export const RUN_FILES = {
  config: 'config.json',
  checkpoint: 'checkpoint',
  metrics: 'metrics.jsonl',
  metricsCsv: 'metrics.csv',
  steps: 'steps.jsonl',
  report: 'report.html',
  result: 'result.json',
} as const;

/** Everything needed to rebuild a run's learner and data pipeline (`config.json`). */
export interface RunConfig {
  readonly format: typeof RUN_FORMAT;
  /**
   * Random id of the run, also written into the checkpoint's metadata, every metrics line and
   * result.json, so that files from different runs are never taken for one run. Runs written
   * before it existed have none.
   */
  readonly runId?: string;
  readonly rule: string;
  /** The rule config after validation, defaults filled in. */
  readonly config: unknown;
  readonly dataset: string;
  readonly preset?: string;
  /**
   * Plugin modules imported before the rule was looked up: package names, or paths relative to
   * the run directory (so a project can move), absolute in runs written before that.
   */
  readonly plugins?: readonly string[];
  readonly task: TaskSpec;
  /** What the dataset did to raw features; `eval --inputs` applies the same. */
  readonly preprocess: PreprocessSpec;
  /** Dataset `files`: the user's files (absolute paths, sizes, sha256) and the number of classes. */
  readonly files?: UserFilesRecord;
  /** Class names by label, when the dataset has them. */
  readonly classNames?: readonly string[];
  readonly fit: FitSettings;
  /** A run made by `plasticity import` from a NIR graph: the file, the step, the reset, what differs. */
  readonly imported?: {
    readonly nir: string;
    readonly dt: number;
    readonly reset: 'zero' | 'subtract';
    readonly warnings: readonly string[];
  };
  /** Data-parallel training (`train --parallel`): the validated EASGD settings. */
  readonly parallel?: EasgdConfig;
  /** Requested backend (`auto` included) and the one that ran. */
  readonly backend: { readonly requested: string; readonly name: string; readonly detail?: string };
  readonly versions: Versions;
  readonly createdAt: string;
}

export function runPath(dir: string, file: keyof typeof RUN_FILES): string {
  return join(dir, RUN_FILES[file]);
}

/** True when `dir` already holds (part of) a run. */
export function holdsRun(dir: string): boolean {
  return Object.values(RUN_FILES).some((file) => existsSync(join(dir, file)));
}

export function newRunId(): string {
  return randomUUID();
}

export async function writeJson(path: string, value: unknown): Promise<void> {
  await atomicWriteFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PlasticityError(
      'E_USAGE',
      code === 'ENOENT' ? `${path}: no such file (${what})` : `${path}: cannot read (${String(error)})`,
      { file: path },
      { cause: error },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PlasticityError(
      'E_CHECKPOINT',
      `${path}: not valid JSON (${(error as Error).message})`,
      { file: path },
      { cause: error },
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reads and checks `DIR/config.json`; errors name the file and the missing piece. */
export function readRunConfig(dir: string): RunConfig {
  const path = runPath(dir, 'config');
  if (!existsSync(path)) {
    throw new PlasticityError(
      'E_USAGE',
      `${dir} is not a plasticity run directory (no ${RUN_FILES.config})`,
      {
        dir,
      },
    );
  }
  const raw = readJsonFile(path, 'run config');
  if (!isObject(raw))
    throw new PlasticityError('E_CHECKPOINT', `${path}: expected a JSON object`, { file: path });
  if (raw.format !== RUN_FORMAT) {
    throw new PlasticityError(
      'E_CHECKPOINT',
      `${path}: format is ${JSON.stringify(raw.format)}, this plasticity reads "${RUN_FORMAT}"`,
      { file: path, format: raw.format },
    );
  }
  const problems: string[] = [];
  if (typeof raw.rule !== 'string') problems.push('"rule" (string)');
  if (typeof raw.dataset !== 'string') problems.push('"dataset" (string)');
  if (!isObject(raw.task)) problems.push('"task" (object)');
  if (!isObject(raw.fit)) problems.push('"fit" (object)');
  if (!('preprocess' in raw)) problems.push('"preprocess"');
  if (!('config' in raw)) problems.push('"config"');
  if (!isObject(raw.backend)) problems.push('"backend" (object)');
  if (problems.length > 0) {
    throw new PlasticityError('E_CHECKPOINT', `${path}: missing or invalid ${problems.join(', ')}`, {
      file: path,
      problems,
    });
  }
  return raw as unknown as RunConfig;
}

/** An epoch record as `metrics.jsonl` holds it: tagged with the run's id. */
export type MetricsRecord = EpochRecord & { readonly runId?: string };

/** Appends one epoch record as a JSON line (a crash leaves at most one partial last line). */
export function appendMetrics(dir: string, record: EpochRecord, runId: string | undefined): void {
  const line: MetricsRecord = runId === undefined ? record : { ...record, runId };
  appendFileSync(runPath(dir, 'metrics'), `${JSON.stringify(line)}\n`);
}

/** The epoch records in `metrics.jsonl`; a truncated last line (interrupted write) is dropped. */
export function readMetrics(dir: string): MetricsRecord[] {
  const path = runPath(dir, 'metrics');
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  const records: MetricsRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line) as MetricsRecord);
    } catch (error) {
      if (i === lines.length - 1) return; // unterminated: the write was cut off
      throw new PlasticityError(
        'E_CHECKPOINT',
        `${path}:${i + 1}: not valid JSON`,
        { file: path, line: i + 1 },
        {
          cause: error,
        },
      );
    }
  });
  return records;
}

/**
 * Rewrites `metrics.jsonl` with only the records a resumed run keeps. Synchronous (temp file +
 * rename) because it runs inside the trainer's event callback, before the next epoch appends.
 */
export function writeMetricsSync(dir: string, records: readonly EpochRecord[]): void {
  const path = runPath(dir, 'metrics');
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  renameSync(temp, path);
}

/** `20261203-021530`: local time to the second, for default folder names. */
export function timestamp(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-` +
    `${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`
  );
}
