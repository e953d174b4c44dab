/** Backends `initBackend` accepts. `'auto'` picks the best that works (see `initBackend`). */
export type BackendName = 'auto' | 'cpu' | 'wasm' | 'webgpu' | 'node-gpu';

/** A concrete backend (what `'auto'` resolves to). */
export type ConcreteBackendName = Exclude<BackendName, 'auto'>;

export const CONCRETE_BACKENDS: readonly ConcreteBackendName[] = ['cpu', 'wasm', 'webgpu', 'node-gpu'];

/** The backend that is running, in words. */
export interface BackendInfo {
  readonly name: ConcreteBackendName;
  /** Human-readable detail: SIMD/threads for wasm, the adapter for webgpu, why `'auto'` skipped others. */
  readonly detail: string;
  /** The tfjs-core backend name (`'tensorflow'` for node-gpu). */
  readonly tfjsName: string;
  /** True when the backend runs on a software GPU (SwiftShader, llvmpipe, a fallback adapter). */
  readonly software?: boolean;
}

/** One line of `probeBackends()`. */
export interface BackendProbe {
  readonly name: ConcreteBackendName;
  readonly available: boolean;
  /** Why it is not available (what to install or set). */
  readonly reason?: string;
  /** What was found (adapter, SIMD...). */
  readonly detail?: string;
  /** For webgpu: the adapter is software; `'auto'` does not choose it. */
  readonly software?: boolean;
}

/** Options for `initBackend`. */
export interface InitBackendOptions {
  /**
   * Where the tfjs wasm binaries are served from (browser bundles): a URL prefix ending in `/`.
   * In Node they are found in the installed `@tensorflow/tfjs-backend-wasm`.
   */
  readonly wasmPaths?: string;
  /**
   * Threads of the wasm backend, fixed when it first starts. Node: 1 by default (or
   * `$PLASTICITY_WASM_THREADS` on the main thread); `'auto'` is one per core, at most 8. More
   * than one uses tfjs' multithreaded SIMD build, which pays for large steps only (each op
   * costs 10–20 µs more). Browsers: passed to tfjs, which uses threads only on cross-origin
   * isolated pages.
   */
  readonly wasmThreads?: number | 'auto';
}

export function isBackendName(value: unknown): value is BackendName {
  return value === 'auto' || CONCRETE_BACKENDS.includes(value as ConcreteBackendName);
}
