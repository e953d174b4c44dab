// One pthread of tfjs' multithreaded wasm backend, on a Node worker thread (see wasm-threads.ts).
//
// tfjs hands each pthread two Blobs: the Emscripten thread script (as a blob: URL, which only the
// thread that made it can resolve, so wasm-threads.ts resolves it and passes the Blob here) and
// the module factory's source (in the `load` message, read with importScripts). Node cannot run
// either directly, so this script reads both texts, runs the thread script with a `require`
// whose `fs.readFileSync` serves the factory's text, and defines the names the factory's source
// expects from its bundle (tfjs 4.22: require$$0 fs, $$1 path, $$3 perf_hooks, $$4 os).
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as NodeFs from 'node:fs';
import type * as NodeWorkerThreads from 'node:worker_threads';

const threads = require('node:worker_threads') as typeof NodeWorkerThreads;
const fs = require('node:fs') as typeof NodeFs;

type Listener = (data: unknown) => void;

/** Texts served by the thread script's importScripts (keyed by a name given here). */
const texts = new Map<string, string>();
const listeners: Listener[] = [];

// The thread script listens on parentPort; messages reach it through the queue below, in order,
// once the texts they need are read.
const parentPort = {
  on(event: string, listener: Listener): void {
    if (event === 'message') listeners.push(listener);
    else threads.parentPort?.on(event, listener);
  },
  postMessage(message: unknown, transfer?: readonly unknown[]): void {
    threads.parentPort?.postMessage(message, transfer as never);
  },
};

const files = {
  ...fs,
  readFileSync(file: string, encoding?: BufferEncoding) {
    return texts.get(file) ?? fs.readFileSync(file, encoding);
  },
};

function requireForThread(name: string): unknown {
  if (name === 'worker_threads' || name === 'node:worker_threads') return { ...threads, parentPort };
  if (name === 'fs' || name === 'node:fs') return files;
  return require(name);
}

Object.assign(globalThis, {
  require$$0: files,
  require$$1: require('node:path'),
  require$$3: require('node:perf_hooks'),
  require$$4: require('node:os'),
  commonjsGlobal: globalThis,
});

const { script } = threads.workerData as { script: Blob };
let queue: Promise<void> = script.text().then((code) => {
  new Function('require', '__filename', code)(requireForThread, __filename);
});

threads.parentPort?.on('message', (message: { cmd?: string; urlOrBlob?: unknown }) => {
  queue = queue.then(async () => {
    let data = message;
    if (data?.cmd === 'load' && data.urlOrBlob instanceof Blob) {
      const name = `tfjs-wasm-module-${texts.size}.js`;
      texts.set(name, await data.urlOrBlob.text());
      data = { ...data, urlOrBlob: name };
    }
    for (const listener of listeners) listener(data);
  });
});
