import * as tf from '@tensorflow/tfjs-core';
import { reasonOf } from './environment.js';
import { describeAdapter, isSoftwareAdapter } from './gpu-types.js';
import { runSerially } from './init.js';
import { loadNodeGpu } from './node-gpu.js';
import type { BackendProbe } from './types.js';
import { startWasm } from './wasm.js';
import { findAdapter } from './webgpu.js';

async function probeWasm(): Promise<BackendProbe> {
  const engine = tf.engine();
  const previous = engine.backendName in engine.registry ? engine.backendName : undefined;
  try {
    const info = await startWasm();
    return { name: 'wasm', available: true, detail: info.detail };
  } catch (error) {
    return { name: 'wasm', available: false, reason: reasonOf(error) };
  } finally {
    if (previous !== undefined && previous !== 'wasm') await tf.setBackend(previous);
  }
}

async function probeWebgpu(): Promise<BackendProbe> {
  try {
    const found = await findAdapter(true);
    const software = isSoftwareAdapter(found.adapter);
    const via = found.dawn ? ` via Dawn${found.icd ? ` (VK_ICD_FILENAMES=${found.icd})` : ''}` : '';
    return {
      name: 'webgpu',
      available: true,
      software,
      detail: `${describeAdapter(found.adapter)}${via}${software ? "; 'auto' skips software adapters" : ''}`,
    };
  } catch (error) {
    return { name: 'webgpu', available: false, reason: reasonOf(error).replace(/^webgpu: /, '') };
  }
}

async function probeNodeGpu(): Promise<BackendProbe> {
  try {
    await loadNodeGpu();
  } catch (error) {
    return { name: 'node-gpu', available: false, reason: reasonOf(error).replace(/^node-gpu: /, '') };
  }
  return tf.findBackendFactory('tensorflow') !== null
    ? { name: 'node-gpu', available: true, detail: '@tensorflow/tfjs-node-gpu' }
    : {
        name: 'node-gpu',
        available: false,
        reason:
          'loaded, but it registered no backend with this @tensorflow/tfjs-core (two copies installed?)',
      };
}

/**
 * Which backends can run here and why not, without changing the active backend (wasm is
 * initialised to check it; a previously active backend is restored). webgpu counts as
 * available when an adapter exists, SwiftShader included (marked `software`).
 */
export function probeBackends(): Promise<BackendProbe[]> {
  return runSerially(async () => [
    { name: 'cpu', available: true, detail: 'plain JavaScript kernels' } satisfies BackendProbe,
    await probeWasm(),
    await probeWebgpu(),
    await probeNodeGpu(),
  ]);
}
