import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root and the built CLI (tests that spawn it need `npm run build` first). */
export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const builtMain = join(packageDir, 'dist', 'cli', 'main.js');

export interface Exited {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Spawned {
  readonly child: ChildProcess;
  /** Settles when the process has exited; a process still running after `timeoutMs` is killed. */
  readonly exited: Promise<Exited>;
}

/** Starts the built `plasticity` in its own process. */
export function spawnCli(args: readonly string[], cwd: string, timeoutMs = 60_000): Spawned {
  const child = spawn(process.execPath, [builtMain, ...args], { cwd, env: { ...process.env, DEBUG: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exited = new Promise<Exited>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, exited };
}

/** Resolves once `ready()` holds (polled), or rejects after `timeoutMs`. */
export async function waitFor(ready: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!ready()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
