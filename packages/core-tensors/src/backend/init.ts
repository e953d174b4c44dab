import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError, isPlasticityError } from '../errors/plasticity-error.js';
import { startCpu } from './cpu.js';
import { isNode, reasonOf } from './environment.js';
import { startNodeGpu } from './node-gpu.js';
import { CONCRETE_BACKENDS, isBackendName } from './types.js';
import type { BackendInfo, BackendName, InitBackendOptions } from './types.js';
import { startWasm } from './wasm.js';
import { releaseWebgpu, startWebgpu } from './webgpu.js';

let current: BackendInfo | undefined;
// Backend switches are serialised: two concurrent inits would race inside tfjs' engine.
let queue: Promise<unknown> = Promise.resolve();

function serial<T>(job: () => Promise<T>): Promise<T> {
  const run = queue.then(job, job);
  queue = run.catch(() => undefined);
  return run;
}

type Attempt = () => Promise<BackendInfo>;

/** Tries each candidate in order; records why each skipped one did not start. */
async function firstThatStarts(candidates: [string, Attempt][]): Promise<BackendInfo> {
  const skipped: string[] = [];
  for (const [name, attempt] of candidates) {
    try {
      const info = await attempt();
      const note = skipped.length > 0 ? ` (auto skipped ${skipped.join('; ')})` : '';
      return { ...info, detail: info.detail + note };
    } catch (error) {
      const summary = isPlasticityError(error) ? error.details?.summary : undefined;
      const why = typeof summary === 'string' ? summary : reasonOf(error).replace(`${name}: `, '');
      skipped.push(`${name}: ${why}`);
    }
  }
  throw new PlasticityError('E_BACKEND', `no backend could start: ${skipped.join('; ')}`, {
    backend: 'auto',
  });
}

function startAuto(options: InitBackendOptions): Promise<BackendInfo> {
  const webgpu: Attempt = () =>
    startWebgpu({ allowSoftware: false, searchSwiftShader: false, requireGpuDevice: true });
  const wasm: Attempt = () => startWasm(options);
  if (isNode()) {
    return firstThatStarts([
      ['node-gpu', startNodeGpu],
      ['webgpu', webgpu],
      ['wasm', wasm],
      ['cpu', startCpu],
    ]);
  }
  return firstThatStarts([
    ['webgpu', webgpu],
    ['wasm', wasm],
    ['cpu', startCpu],
  ]);
}

/**
 * Starts a tfjs backend and makes it the active one.
 *
 * - `'cpu'`: plain JS kernels. `'wasm'`: XNNPACK (binaries from the installed package; SIMD,
 *   single-threaded in Node). `'webgpu'`: the browser's WebGPU or, in Node, Dawn (npm `webgpu`),
 *   falling back to a browser-shipped SwiftShader driver when there is no GPU.
 *   `'node-gpu'`: @tensorflow/tfjs-node-gpu (CUDA).
 * - `'auto'` (default): Node: node-gpu if installed and working, else webgpu on a hardware
 *   adapter, else wasm; browser: webgpu, else wasm, else cpu. Never a software GPU.
 *
 * A requested backend that cannot start throws `E_BACKEND` with the reason; it never falls
 * back silently.
 */
export function initBackend(
  name: BackendName = 'auto',
  options: InitBackendOptions = {},
): Promise<BackendInfo> {
  if (!isBackendName(name)) {
    return Promise.reject(
      new PlasticityError(
        'E_BACKEND',
        `unknown backend "${String(name)}"; expected one of auto, ${CONCRETE_BACKENDS.join(', ')}`,
        { backend: name },
      ),
    );
  }
  return serial(async () => {
    let info: BackendInfo;
    switch (name) {
      case 'cpu':
        info = await startCpu();
        break;
      case 'wasm':
        info = await startWasm(options);
        break;
      case 'webgpu':
        info = await startWebgpu({ allowSoftware: true, searchSwiftShader: true });
        break;
      case 'node-gpu':
        info = await startNodeGpu();
        break;
      default:
        info = await startAuto(options);
    }
    current = info;
    return info;
  });
}

/** What `initBackend` last started (undefined before the first call or after `releaseBackend`). */
export function getBackendInfo(): BackendInfo | undefined {
  return current && tf.getBackend() === current.tfjsName ? current : undefined;
}

/**
 * Releases GPU resources: disposes the webgpu backend (its tensors become invalid), destroys
 * the device and removes the `navigator.gpu` that was installed for Dawn, so nothing native
 * is left holding the process. Call it when a Node program is done with webgpu; cpu and wasm
 * need nothing. A later `initBackend` starts afresh.
 */
export function releaseBackend(): Promise<void> {
  return serial(async () => {
    if (releaseWebgpu() && current?.name === 'webgpu') current = undefined;
  });
}

/** Internal: lets probing run inside the same queue as inits. */
export const runSerially = serial;
