import { PlasticityError, isPlasticityError } from '../errors/plasticity-error.js';
import type { ErrorCode } from '../errors/plasticity-error.js';

// Node worker threads for rules that split a batch over cores (tfjs' wasm backend and host-side
// simulations run on one core). Node modules are imported by variable specifiers, so browser
// bundles of a rule never pull them in; everywhere but Node the helpers report "no threads".

/** The part of Node's `Worker` the rules use (its type is not imported: browsers lack the module). */
export interface NodeWorker {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  once(event: 'message' | 'error', listener: (value: never) => void): void;
  off(event: 'message' | 'error', listener: (value: never) => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}

/** An error as it crosses from a worker: plain data. */
export interface WorkerError {
  readonly message: string;
  readonly code?: string;
  readonly details?: unknown;
}

/** A Node built-in, or undefined elsewhere. */
async function importNode<T>(specifier: string): Promise<T | undefined> {
  if (typeof process === 'undefined' || process.versions?.node === undefined) return undefined;
  try {
    return (await import(specifier)) as T;
  } catch {
    return undefined;
  }
}

/** Threads `'auto'` means: the cores Node reports, at most 8; 1 outside Node. */
export async function threadCount(threads: number | 'auto'): Promise<number> {
  if (threads !== 'auto') return threads;
  const os = await importNode<{ availableParallelism?: () => number; cpus: () => unknown[] }>('node:os');
  return os === undefined ? 1 : Math.max(1, Math.min(8, os.availableParallelism?.() ?? os.cpus().length));
}

/**
 * Starts `count` workers on `script` with `workerData(k)`, unreferenced (they keep the process
 * alive only while a job is out). Undefined when threads cannot run here: outside Node, without
 * SharedArrayBuffer, or without the script (e.g. running a package from its TypeScript sources).
 */
export async function startNodeWorkers(
  script: URL,
  count: number,
  workerData: (k: number) => unknown,
): Promise<NodeWorker[] | undefined> {
  if (typeof SharedArrayBuffer !== 'function') return undefined;
  const threads = await importNode<{ Worker: new (url: URL, options: object) => NodeWorker }>(
    'node:worker_threads',
  );
  const fs = await importNode<{ existsSync: (path: URL) => boolean }>('node:fs');
  if (threads === undefined || fs === undefined || !fs.existsSync(script)) return undefined;
  return Array.from({ length: count }, (_, k) => {
    const worker = new threads.Worker(script, { workerData: workerData(k) });
    worker.unref();
    return worker;
  });
}

/** Posts `job` (transferring `transfer`) and resolves to the worker's reply; a crash is `E_BACKEND` naming `who`. */
export function requestWorker<Reply>(
  worker: NodeWorker,
  job: unknown,
  transfer: readonly ArrayBuffer[],
  who: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Reply) => {
      worker.off('error', onError);
      worker.unref();
      resolve(message);
    };
    const onError = (error: Error) => {
      worker.off('message', onMessage);
      reject(
        new PlasticityError(
          'E_BACKEND',
          `${who} worker thread failed: ${error.message}`,
          {},
          { cause: error },
        ),
      );
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
    worker.ref();
    worker.postMessage(job, transfer);
  });
}

/** An error as plain data, to post from a worker. */
export function toWorkerError(error: unknown): WorkerError {
  if (isPlasticityError(error)) return { message: error.message, code: error.code, details: error.details };
  return { message: error instanceof Error ? error.message : String(error) };
}

/** The error a worker posted, rebuilt on the calling thread (a `PlasticityError` when it had a code). */
export function fromWorkerError(error: WorkerError): Error {
  if (error.code === undefined) return new Error(error.message);
  return new PlasticityError(
    error.code as ErrorCode,
    error.message,
    error.details as Record<string, unknown> | undefined,
  );
}
