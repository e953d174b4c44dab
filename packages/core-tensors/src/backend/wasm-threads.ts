import type * as NodeBuffer from 'node:buffer';
import type * as NodeFs from 'node:fs';
import type * as NodeOs from 'node:os';
import type * as NodeWorkerThreads from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '../errors/plasticity-error.js';

/** The most threads tfjs' threaded build can use: it starts this many pthreads up front. */
export const MAX_WASM_THREADS = 8;

// Non-literal specifiers keep browser bundlers from pulling in Node built-ins.
const SPECIFIERS = {
  buffer: 'node:buffer',
  fs: 'node:fs',
  os: 'node:os',
  threads: 'node:worker_threads',
} as const;

/** The pthread script (the built one: Node cannot start a thread on TypeScript). */
async function pthreadScript(): Promise<URL> {
  const { existsSync } = (await import(SPECIFIERS.fs)) as typeof NodeFs;
  const name = 'wasm-pthread.cjs';
  const beside = new URL(name, import.meta.url);
  // Under the test runner this module runs from src/; the package's build is beside it.
  return existsSync(beside) ? beside : new URL(`../../dist/backend/${name}`, import.meta.url);
}

/** The environment variable that sets the wasm threads when the code does not. */
export const WASM_THREADS_ENV = 'PLASTICITY_WASM_THREADS';

/**
 * The wasm backend's thread count in Node: `requested` (`'auto'`: one per core, at most 8); else
 * `$PLASTICITY_WASM_THREADS` on the main thread; else one. One is the default because threads
 * pay only for large steps: each op costs 10–20 µs more on the threaded build, so a small
 * network (4-120-3 at batch 32) runs three times slower on two threads, while 784-800-800-10 at
 * batch 256 runs 1.36× faster (the CLI's `train` chooses by the network's size).
 */
export async function resolveWasmThreads(requested: number | 'auto' | undefined): Promise<number> {
  const clamp = (count: number) => Math.min(Math.max(1, Math.floor(count)), MAX_WASM_THREADS);
  if (typeof requested === 'number') return clamp(requested);
  if (requested === undefined) {
    const { isMainThread } = (await import(SPECIFIERS.threads)) as typeof NodeWorkerThreads;
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    const fromEnv = isMainThread ? env?.[WASM_THREADS_ENV] : undefined;
    if (fromEnv === undefined) return 1;
    if (fromEnv !== 'auto') {
      const count = Number(fromEnv);
      if (!Number.isInteger(count) || count < 1) {
        throw new PlasticityError(
          'E_CONFIG',
          `${WASM_THREADS_ENV} must be a whole number of threads (1 or more) or auto, got "${fromEnv}"`,
          { field: WASM_THREADS_ENV },
        );
      }
      return clamp(count);
    }
  }
  const os = (await import(SPECIFIERS.os)) as typeof NodeOs;
  return clamp(os.availableParallelism());
}

interface WasmThreadsControl {
  setThreadsCount(count: number): void;
}

/**
 * Lets tfjs' multithreaded SIMD wasm build start in Node with `count` threads (tfjs itself never
 * tries: its pthreads are started from blob: URLs, which Node's workers cannot load). Call it
 * just before the wasm backend initialises and the returned function right after.
 *
 * While the backend starts: the `Worker` tfjs' Emscripten module creates its pthreads with runs
 * `wasm-pthread.cjs` on the Blob behind each blob: URL; and `os.cpus()` lists every core twice,
 * because tfjs caps its threads at half the cores it counts (it assumes two hyperthreads per
 * core) and counts them once, as the module starts.
 */
export async function prepareNodeWasmThreads(wasm: WasmThreadsControl, count: number): Promise<() => void> {
  const { Worker } = (await import(SPECIFIERS.threads)) as typeof NodeWorkerThreads;
  const { resolveObjectURL } = (await import(SPECIFIERS.buffer)) as typeof NodeBuffer;
  // The module object itself (what tfjs' bundle holds from require('os')), not a namespace copy.
  const os = ((await import(SPECIFIERS.os)) as { default: typeof NodeOs }).default;
  const script = await pthreadScript();

  const started: NodeWorkerThreads.Worker[] = [];
  class PthreadWorker extends Worker {
    constructor(url: string | URL, options?: NodeWorkerThreads.WorkerOptions) {
      const blob = typeof url === 'string' && url.startsWith('blob:') ? resolveObjectURL(url) : undefined;
      super(blob ? script : url, blob ? { ...options, workerData: { script: blob } } : options);
      started.push(this);
    }
  }

  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(count);
  const previousWorker = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
  // Emscripten assigns `Worker = worker_threads.Worker` as it starts: ours stays in place.
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    get: () => PthreadWorker,
    set: () => {},
  });
  const cpus = os.cpus;
  os.cpus = () => {
    const list = cpus();
    return [...list, ...list];
  };
  return () => {
    // XNNPACK's pool threads wait for work as long as the process lives; Emscripten holds the
    // ones it runs, which would keep the process from ever exiting.
    for (const worker of started) worker.unref();
    os.cpus = cpus;
    if (previousWorker) Object.defineProperty(globalThis, 'Worker', previousWorker);
    else delete (globalThis as { Worker?: unknown }).Worker;
  };
}
