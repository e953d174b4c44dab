// The Web Worker a live example trains in: it starts the requested backend, then runs the
// reader's code as the body of an async function with the plasticity API and the helpers of
// the contract (README.md) in scope, and posts what the code reports back to the page.
import * as tf from '@tensorflow/tfjs-core';
import * as plasticity from 'plasticity';
import type { PageMessage, RunRequest, WorkerMessage } from './protocol.js';

const post = (message: WorkerMessage) => (self as unknown as Worker).postMessage(message);
const controller = new AbortController();
let started = false;
/** Workers the code started with `trainingWorker()`. */
const trainingWorkers: Worker[] = [];

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
// Code that names `easgd` gets @plasticity/optimizers-easgd as that namespace: a chunk of its
// own, so the pages that do not use it do not download it.
const USES_EASGD = /\beasgd\b/;
// Progress is posted at most this often: a step can take well under a millisecond.
const PROGRESS_EVERY_MS = 100;

function message(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Sorts `x` ascending (uPlot's requirement) and every series with it. */
function sortedByX(x: ArrayLike<number>, values: Record<string, ArrayLike<number | null>>) {
  const order = Array.from(x, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const series: Record<string, (number | null)[]> = {};
  for (const [name, column] of Object.entries(values)) {
    if (column.length !== x.length) {
      throw new RangeError(`show: series "${name}" has ${column.length} values for ${x.length} x values`);
    }
    series[name] = order.map((i) => column[i]);
  }
  return { x: order.map((i) => x[i]), values: series };
}

function helpers(request: RunRequest) {
  let lastProgress = 0;
  return {
    tf,
    plasticity,
    epochs: request.epochs,
    backend: tf.getBackend(),
    signal: controller.signal,
    wasmPaths: request.wasmPaths,
    /** Progress bar: `done` of `total` (e.g. epochs, fractional within an epoch). */
    progress(done: number, total: number) {
      const now = performance.now();
      if (done < total && now - lastProgress < PROGRESS_EVERY_MS) return;
      lastProgress = now;
      post({ type: 'progress', done, total });
    },
    /** Appends one point to a chart: `plot('accuracy', epoch, { train: 0.8, test: 0.79 })`. */
    plot(chart: string, x: number, values: Record<string, number>) {
      post({ type: 'plot', chart, x, values: { ...values } });
    },
    /** Replaces a chart's data: `show('raster', times, { neuron: units })` (sorted by x here). */
    show(chart: string, x: ArrayLike<number>, values: Record<string, ArrayLike<number | null>>) {
      post({ type: 'show', chart, ...sortedByX(x, values) });
    },
    /** Results shown under the code: `report({ accuracy: 0.93 })`. */
    report(values: Record<string, number | string>) {
      post({ type: 'report', values: { ...values } });
    },
    /**
     * Starts a training Web Worker for `easgd.createWebWorkerLearner` (a worker nested in this
     * one; see train-worker.ts). The workers it started are terminated when the run ends.
     */
    trainingWorker(): Worker {
      const worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
      trainingWorkers.push(worker);
      return worker;
    },
    /** A line of status text. */
    log(...parts: unknown[]) {
      post({ type: 'log', text: parts.map(String).join(' ') });
    },
  };
}

type AsyncFunctionConstructor = new (...args: string[]) => (...args: unknown[]) => Promise<unknown>;
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as AsyncFunctionConstructor;

async function run(request: RunRequest): Promise<void> {
  const begin = performance.now();
  const info = await plasticity.initBackend(request.backend, { wasmPaths: request.wasmPaths });
  post({ type: 'backend', name: tf.getBackend(), detail: info.detail });
  const scope: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(plasticity)) if (IDENTIFIER.test(name)) scope[name] = value;
  if (USES_EASGD.test(request.code)) scope.easgd = await import('@plasticity/optimizers-easgd');
  Object.assign(scope, request.inputs, helpers(request));
  const names = Object.keys(scope);
  // The code sits in a block so its own `const data = ...` may shadow an API name.
  const body = new AsyncFunction(...names, `{\n${request.code}\n}`);
  try {
    await body(...names.map((name) => scope[name]));
  } finally {
    // Whatever the code did (or failed to do) about them, nested workers end with the run.
    for (const worker of trainingWorkers.splice(0)) worker.terminate();
  }
  post({ type: 'done', seconds: (performance.now() - begin) / 1000 });
}

self.onmessage = (event: MessageEvent<PageMessage>) => {
  const request = event.data;
  if (request.type === 'stop') {
    controller.abort(new DOMException('stopped by the reader', 'AbortError'));
    // Nested workers are not ended by terminating this one in every browser: end them now.
    for (const worker of trainingWorkers.splice(0)) worker.terminate();
    return;
  }
  if (started) return post({ type: 'error', message: 'this worker already ran an example' });
  started = true;
  run(request).catch((error: unknown) => {
    if (controller.signal.aborted) post({ type: 'stopped' });
    else post({ type: 'error', message: message(error) });
  });
};
