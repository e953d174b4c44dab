import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { MAX_WASM_THREADS, WASM_THREADS_ENV, resolveWasmThreads } from './wasm-threads.js';

// The threaded build runs in a process of its own (the built package, as a user's script runs
// it): the backend starts once per process, and the process must exit by itself afterwards.
const PROBE = fileURLToPath(new URL('./__fixtures__/wasm-threads-probe.mjs', import.meta.url));
const PACKAGE = fileURLToPath(new URL('../..', import.meta.url));

beforeAll(() => {
  // The probe imports the package's build (and its pthread script): bring it up to date.
  execFileSync(process.execPath, ['scripts/bundle-gradients.js'], { cwd: PACKAGE, stdio: 'pipe' });
  execFileSync(process.execPath, ['../../node_modules/typescript/bin/tsc', '-b', 'tsconfig.build.json'], {
    cwd: PACKAGE,
    stdio: 'pipe',
  });
}, 120_000);

interface Probe {
  readonly detail: string;
  readonly workerGlobal: string;
  readonly loss: number;
  readonly gradient: number[];
  readonly adam: number[];
  readonly adamIsTfjs: boolean;
}

async function probe(threads: string): Promise<Probe> {
  const { stdout } = await promisify(execFile)(process.execPath, [PROBE, threads], {
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Probe;
}

describe('the multithreaded wasm build in Node', () => {
  test('two threads start, give the one-thread results bit for bit, and let the process exit', async () => {
    const [one, two] = await Promise.all([probe('1'), probe('2')]);
    expect(one.detail).toBe('XNNPACK, SIMD on, 1 thread');
    expect(two.detail).toBe('XNNPACK, SIMD on, 2 threads');
    // The Worker global used while the backend started is gone again.
    expect(two.workerGlobal).toBe('undefined');
    expect(Number.isFinite(two.loss) && two.loss > 0).toBe(true);
    expect(two.loss).toBe(one.loss);
    expect(two.gradient).toHaveLength(300 * 256);
    expect(two.gradient).toEqual(one.gradient);
    // The fused Adam kernel on the threaded build's shared heap: tfjs' own Adam, bit for bit.
    expect(two.adamIsTfjs).toBe(true);
    expect(one.adamIsTfjs).toBe(true);
    expect(two.adam).toEqual(one.adam);
  }, 120_000);

  test("'auto' is one thread per core, at most 8; numbers are clamped", async () => {
    const auto = await resolveWasmThreads('auto');
    expect(auto).toBeGreaterThanOrEqual(1);
    expect(auto).toBeLessThanOrEqual(MAX_WASM_THREADS);
    expect(await resolveWasmThreads(3)).toBe(3);
    expect(await resolveWasmThreads(0)).toBe(1);
    expect(await resolveWasmThreads(64)).toBe(MAX_WASM_THREADS);
  });

  test('PLASTICITY_WASM_THREADS sets the count when the code does not (else one); a bad value is refused', async () => {
    const before = process.env[WASM_THREADS_ENV];
    try {
      delete process.env[WASM_THREADS_ENV];
      expect(await resolveWasmThreads(undefined)).toBe(1);
      process.env[WASM_THREADS_ENV] = '3';
      expect(await resolveWasmThreads(undefined)).toBe(3);
      expect(await resolveWasmThreads(2)).toBe(2);
      process.env[WASM_THREADS_ENV] = 'auto';
      expect(await resolveWasmThreads(undefined)).toBe(await resolveWasmThreads('auto'));
      process.env[WASM_THREADS_ENV] = 'two';
      await expect(resolveWasmThreads(undefined)).rejects.toThrow(
        /PLASTICITY_WASM_THREADS must be a whole number/,
      );
    } finally {
      if (before === undefined) delete process.env[WASM_THREADS_ENV];
      else process.env[WASM_THREADS_ENV] = before;
    }
  });
});
