import type * as NodeFs from 'node:fs';
import type * as NodeModule from 'node:module';
import type * as NodePath from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '../errors/plasticity-error.js';
import { activateTfBackend } from './activate.js';
import { isNode, reasonOf } from './environment.js';
import type { BackendInfo, InitBackendOptions } from './types.js';
import { shareWasmIdentity } from './wasm-identity.js';
import { sliceWasmInPlace } from './wasm-slice.js';
import { gatherWasmBySlices } from './wasm-gather.js';
import { transposeWasmInBlocks } from './wasm-transpose.js';
import { prepareNodeWasmThreads, resolveWasmThreads } from './wasm-threads.js';

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
// tfjs picks one of these by feature; in Node, the threaded one only through wasm-threads.ts.
const BINARIES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

/** Directory of the installed wasm binaries, with a trailing separator (Node only). */
async function installedWasmDir(): Promise<string> {
  // Non-literal specifiers keep browser bundlers from pulling in Node built-ins.
  const moduleSpecifier = 'node:module';
  const pathSpecifier = 'node:path';
  const fsSpecifier = 'node:fs';
  const { createRequire } = (await import(moduleSpecifier)) as typeof NodeModule;
  const { dirname, join, sep } = (await import(pathSpecifier)) as typeof NodePath;
  const { existsSync } = (await import(fsSpecifier)) as typeof NodeFs;
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(WASM_PACKAGE);
  } catch (error) {
    throw new PlasticityError('E_BACKEND', `wasm: cannot resolve ${WASM_PACKAGE}: ${reasonOf(error)}`, {
      backend: 'wasm',
    });
  }
  const dir = dirname(entry);
  const missing = BINARIES.filter((name) => !existsSync(join(dir, name)));
  if (missing.length > 0) {
    throw new PlasticityError(
      'E_BACKEND',
      `wasm: ${missing.join(', ')} missing from ${dir}; reinstall ${WASM_PACKAGE}`,
      { backend: 'wasm', dir, missing },
    );
  }
  return dir + sep;
}

let pathsSet = false;

export async function startWasm(options: InitBackendOptions = {}): Promise<BackendInfo> {
  if (typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === 'undefined') {
    throw new PlasticityError('E_BACKEND', 'wasm: this JavaScript runtime has no WebAssembly', {
      backend: 'wasm',
    });
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const initialised = 'wasm' in tf.engine().registry;
  if (!initialised && !pathsSet) {
    // Resolve the binaries from the installed package so Node never fetches anything.
    const paths = options.wasmPaths ?? (isNode() ? await installedWasmDir() : undefined);
    if (paths !== undefined) wasm.setWasmPaths(paths);
    pathsSet = true;
  }
  let restore: (() => void) | undefined;
  let wanted = 1;
  if (!initialised && isNode()) {
    wanted = await resolveWasmThreads(options.wasmThreads);
    if (wanted > 1) restore = await prepareNodeWasmThreads(wasm, wanted);
  } else if (!initialised && typeof options.wasmThreads === 'number') {
    wasm.setThreadsCount(options.wasmThreads);
  }
  try {
    await activateTfBackend('wasm', 'wasm');
  } finally {
    restore?.();
  }
  guardTensorAllocations();
  shareWasmIdentity();
  sliceWasmInPlace();
  gatherWasmBySlices();
  transposeWasmInBlocks();
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threads = wasm.getThreadsCount();
  if (restore && threads !== wanted) {
    throw new PlasticityError(
      'E_BACKEND',
      `wasm: asked for ${wanted} threads, the threaded build started ${threads}; use wasmThreads: 1 (--wasm-threads 1)`,
      { backend: 'wasm', wanted, threads },
    );
  }
  return {
    name: 'wasm',
    tfjsName: 'wasm',
    detail: `XNNPACK, SIMD ${simd ? 'on' : 'off'}, ${threads} thread${threads === 1 ? '' : 's'}`,
  };
}

/** The wasm heap's ceiling: 32-bit addresses. */
const WASM_HEAP_BYTES = 2 ** 32;

interface WasmModule {
  _malloc(bytes: number): number;
  /** The module's exports; Emscripten's `_malloc` is a stub that replaces itself with `asm.malloc`. */
  asm?: { malloc?: (bytes: number) => number };
  HEAPU8: Uint8Array;
  plasticityGuarded?: boolean;
}

/**
 * Every tensor the wasm backend makes is one `_malloc`, and tfjs uses what comes back without a
 * check: a request of 4 GiB or more wraps around (a small block for a large tensor), and a full
 * heap returns 0, so the tensor is written over the start of the heap. Either corrupts the
 * backend silently; this turns both into an error that says what did not fit.
 */
function guardTensorAllocations(): void {
  const module = (tf.backend() as unknown as { wasm?: WasmModule }).wasm;
  if (module === undefined || module.plasticityGuarded) return;
  // The export itself: the first call of Emscripten's stub would put it back over our wrapper.
  const malloc = module.asm?.malloc ?? module._malloc.bind(module);
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  const refuse = (bytes: number) =>
    new PlasticityError(
      'E_BACKEND',
      `wasm: out of memory: a tensor of ${mib(bytes)} MiB does not fit in the wasm heap ` +
        `(${mib(module.HEAPU8.length)} MiB now, ${mib(WASM_HEAP_BYTES)} MiB at most); use a smaller batch ` +
        'or another backend',
      { backend: 'wasm', reason: 'out-of-memory', bytes },
    );
  module._malloc = (bytes: number) => {
    if (bytes >= WASM_HEAP_BYTES) throw refuse(bytes);
    const at = malloc(bytes);
    if (at === 0 && bytes > 0) throw refuse(bytes);
    return at;
  };
  module.plasticityGuarded = true;
}
