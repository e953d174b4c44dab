/** Where a command writes: the process streams in the binary, string buffers in tests. */
export interface CliStream {
  write(chunk: string): unknown;
  /** True only for a terminal: the progress bar draws only then. */
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface CliIO {
  readonly stdout: CliStream;
  readonly stderr: CliStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative paths (`--out`, `--config`, `--data-dir`) resolve against this. */
  readonly cwd: string;
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** What every command gets: where to write, and a signal that Ctrl-C aborts. */
export interface CliContext {
  readonly io: CliIO;
  readonly signal?: AbortSignal;
}
