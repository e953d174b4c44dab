import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '../errors/plasticity-error.js';
import { activateTfBackend } from './activate.js';
import { findDawnAdapter, gpuDeviceNodePresent, installDawnGlobals, uninstallDawnGlobals } from './dawn.js';
import { isNode, reasonOf } from './environment.js';
import { describeAdapter, isSoftwareAdapter } from './gpu-types.js';
import type { AdapterLike, DeviceLike, GpuLike } from './gpu-types.js';
import type { BackendInfo } from './types.js';

export interface FoundAdapter {
  readonly gpu: GpuLike;
  readonly adapter: AdapterLike;
  /** True when the adapter comes from Dawn (npm `webgpu`) rather than the platform. */
  readonly dawn: boolean;
  readonly icd?: string;
}

export interface WebgpuStartOptions {
  /** Accept SwiftShader and other software adapters (explicit requests do; `'auto'` does not). */
  readonly allowSoftware: boolean;
  /** In Node, fall back to a browser-shipped SwiftShader ICD when there is no adapter. */
  readonly searchSwiftShader: boolean;
  /** In Node on Linux, do not load Dawn at all when no GPU device node exists ('auto'). */
  readonly requireGpuDevice?: boolean;
}

function platformGpu(): GpuLike | undefined {
  return (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
}

/** The adapter `webgpu` would run on: the platform's `navigator.gpu`, else (Node) Dawn's. */
export async function findAdapter(
  searchSwiftShader: boolean,
  requireGpuDevice = false,
): Promise<FoundAdapter> {
  const gpu = platformGpu();
  if (gpu) {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter)
      throw new PlasticityError('E_BACKEND', 'webgpu: navigator.gpu gave no adapter', { backend: 'webgpu' });
    return { gpu, adapter, dawn: false };
  }
  if (!isNode()) {
    throw new PlasticityError('E_BACKEND', 'webgpu: this browser has no WebGPU (navigator.gpu is missing)', {
      backend: 'webgpu',
    });
  }
  if (requireGpuDevice && !(await gpuDeviceNodePresent())) {
    throw new PlasticityError(
      'E_BACKEND',
      'webgpu: no GPU device on this machine (no /dev/dri/renderD*, /dev/nvidia*)',
      {
        backend: 'webgpu',
        summary: 'no GPU device (/dev/dri, /dev/nvidia*)',
      },
    );
  }
  return { ...(await findDawnAdapter(searchSwiftShader)), dawn: true };
}

interface Active {
  readonly found: FoundAdapter;
  device?: DeviceLike;
  readonly info: BackendInfo;
}

let active: Active | undefined;

function infoFor(found: FoundAdapter): BackendInfo {
  const via = found.dawn
    ? `Dawn (npm webgpu)${found.icd ? ` with VK_ICD_FILENAMES=${found.icd}` : ''}`
    : 'navigator.gpu';
  return {
    name: 'webgpu',
    tfjsName: 'webgpu',
    detail: `${describeAdapter(found.adapter)} via ${via}`,
    software: isSoftwareAdapter(found.adapter),
  };
}

function rejectSoftware(found: FoundAdapter): never {
  throw new PlasticityError(
    'E_BACKEND',
    `webgpu: only a software adapter is available (${describeAdapter(found.adapter)}); ` +
      `'auto' does not use it (request 'webgpu' explicitly to run on it)`,
    {
      backend: 'webgpu',
      software: true,
      summary: `software adapter only: ${describeAdapter(found.adapter)}`,
    },
  );
}

async function requestDevice(adapter: AdapterLike): Promise<DeviceLike> {
  // The limits tfjs-backend-webgpu asks for in its own factory: kernels rely on them.
  const names = [
    'maxComputeWorkgroupStorageSize',
    'maxComputeWorkgroupsPerDimension',
    'maxStorageBufferBindingSize',
    'maxBufferSize',
    'maxComputeWorkgroupSizeX',
    'maxComputeInvocationsPerWorkgroup',
  ];
  const requiredLimits = Object.fromEntries(names.map((n) => [n, adapter.limits[n]]));
  return adapter.requestDevice({ requiredLimits });
}

/** tfjs' webgpu backend is an optional peer (34 MB): E_BACKEND says what to install when it is missing. */
export async function importWebgpuBackend(): Promise<{ readonly WebGPUBackend: unknown }> {
  try {
    return await import('@tensorflow/tfjs-backend-webgpu');
  } catch (error) {
    throw new PlasticityError(
      'E_BACKEND',
      `webgpu: @tensorflow/tfjs-backend-webgpu is not installed (or failed to load: ${reasonOf(error)}); ` +
        `install it with \`npm install @tensorflow/tfjs-backend-webgpu@${tf.version_core}\``,
      { backend: 'webgpu', summary: 'package not installed' },
      { cause: error },
    );
  }
}

/** Starts tfjs' webgpu backend on the adapter `findAdapter` picked (and nothing else). */
export async function startWebgpu(options: WebgpuStartOptions): Promise<BackendInfo> {
  const engine = tf.engine();
  if (active && 'webgpu' in engine.registry) {
    if (!options.allowSoftware && active.info.software) rejectSoftware(active.found);
    await activateTfBackend('webgpu', 'webgpu');
    return active.info;
  }
  const found = await findAdapter(options.searchSwiftShader, options.requireGpuDevice);
  if (!options.allowSoftware && isSoftwareAdapter(found.adapter)) rejectSoftware(found);
  // Import before installing navigator.gpu: in Node the module then skips registering its own
  // factory (which would ask for an adapter of its choosing), and we register ours below.
  const { WebGPUBackend } = await importWebgpuBackend();
  if (found.dawn) await installDawnGlobals(found.gpu);
  const state: Active = { found, info: infoFor(found) };
  if ('webgpu' in engine.registryFactory && !('webgpu' in engine.registry)) tf.removeBackend('webgpu');
  if (!('webgpu' in engine.registryFactory)) {
    tf.registerBackend(
      'webgpu',
      async () => {
        const device = await requestDevice(found.adapter);
        state.device = device;
        const Backend = WebGPUBackend as unknown as new (
          device: DeviceLike,
          info?: unknown,
        ) => tf.KernelBackend;
        return new Backend(device, found.adapter.info);
      },
      3,
    );
  }
  try {
    await activateTfBackend('webgpu', 'webgpu');
  } catch (error) {
    releaseState(state);
    throw error;
  }
  active = state;
  return state.info;
}

function releaseState(state: Active): void {
  if ('webgpu' in tf.engine().registryFactory) tf.removeBackend('webgpu');
  state.device?.destroy();
  if (state.found.dawn) uninstallDawnGlobals();
}

/** Disposes the webgpu backend, destroys its device and drops Dawn's globals. */
export function releaseWebgpu(): boolean {
  if (!active) return false;
  releaseState(active);
  active = undefined;
  return true;
}
