import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './program.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string | undefined>;
  readonly signal?: AbortSignal;
  /** Called with every stderr chunk (e.g. to abort after an epoch line). */
  readonly onStderr?: (chunk: string) => void;
}

/** Runs the CLI in this process with captured output (no TTY, so no progress bar). */
export async function cli(argv: string[], options: RunOptions = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    io: {
      stdout: { write: (s: string) => out.push(s) },
      stderr: {
        write: (s: string) => {
          err.push(s);
          options.onStderr?.(s);
        },
      },
      env: options.env ?? {},
      cwd: options.cwd ?? process.cwd(),
    },
    signal: options.signal,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `plasticity-${prefix}-`));
}

/** The single JSON object a `--json` command printed; fails unless stdout is exactly one line. */
export function onlyJson<T = Record<string, unknown>>(run: CliRun): T {
  const lines = run.stdout.split('\n').filter((l) => l !== '');
  if (lines.length !== 1)
    throw new Error(
      `expected one JSON line on stdout, got ${lines.length}:\n${run.stdout}\nstderr:\n${run.stderr}`,
    );
  return JSON.parse(lines[0]) as T;
}
