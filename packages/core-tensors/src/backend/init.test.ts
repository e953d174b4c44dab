import { describe, expect, test } from '@jest/globals';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { isPlasticityError } from '../errors/plasticity-error.js';
import { activateTfBackend } from './activate.js';
import { getBackendInfo, initBackend, releaseBackend } from './init.js';
import { probeBackends } from './probe.js';
import { startWebgpu } from './webgpu.js';
import type { BackendName } from './types.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

async function matmulWorks(): Promise<void> {
  const product = tf.matMul(
    tf.tensor2d([
      [1, 2],
      [3, 4],
    ]),
    tf.tensor2d([
      [5, 6],
      [7, 8],
    ]),
  );
  expect(Array.from(await product.data())).toEqual([19, 22, 43, 50]);
  product.dispose();
}

const probes = await probeBackends();
const webgpuProbe = probes.find((p) => p.name === 'webgpu');
const nodeGpuInstalled = (() => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node-gpu');
    return true;
  } catch {
    return false;
  }
})();

describe('initBackend', () => {
  test.each(['cpu', 'wasm'] as const)('%s starts, becomes active and computes', async (name) => {
    const info = await initBackend(name);
    expect(info.name).toBe(name);
    expect(tf.getBackend()).toBe(name);
    expect(getBackendInfo()).toEqual(info);
    await matmulWorks();
  });

  test('wasm loads the installed SIMD binary, single-threaded in Node', async () => {
    const info = await initBackend('wasm');
    expect(info.detail).toMatch(/SIMD on, 1 thread/);
  });

  test('an unknown name is E_BACKEND listing the valid ones', async () => {
    const error = await rejection(initBackend('tpu' as BackendName));
    expect(isPlasticityError(error, 'E_BACKEND')).toBe(true);
    expect((error as Error).message).toMatch(/auto, cpu, wasm, webgpu, node-gpu/);
  });

  test('node-gpu: loads when installed, else says what to install and what it needs', async () => {
    await initBackend('cpu');
    const result = await initBackend('node-gpu').then(
      (info) => info,
      (error: unknown) => error,
    );
    if (nodeGpuInstalled) {
      // Installed: it either works or explains itself; never something else.
      if (isPlasticityError(result)) expect(result.code).toBe('E_BACKEND');
      else expect(result).toMatchObject({ name: 'node-gpu' });
    } else {
      expect(isPlasticityError(result, 'E_BACKEND')).toBe(true);
      const message = (result as Error).message;
      expect(message).toMatch(/npm install @tensorflow\/tfjs-node-gpu/);
      expect(message).toMatch(/CUDA 11\.2/);
      expect(message).toMatch(/cuDNN 8\.1/);
      expect(message).toMatch(/network/);
      // No silent fallback: the previous backend is still the active one.
      expect(tf.getBackend()).toBe('cpu');
    }
  });

  test("'auto' never picks a software adapter, and says why it skipped the others", async () => {
    const info = await initBackend('auto');
    expect(info.software).not.toBe(true);
    if (!nodeGpuInstalled && (!webgpuProbe?.available || webgpuProbe.software)) {
      expect(info.name).toBe('wasm');
      expect(info.detail).toMatch(/auto skipped node-gpu: not installed; webgpu: /);
    }
    await matmulWorks();
  });

  test('webgpu: runs on the adapter the probe found, or fails with the reason', async () => {
    if (webgpuProbe?.available) {
      const info = await initBackend('webgpu');
      expect(info.name).toBe('webgpu');
      expect(info.software).toBe(webgpuProbe.software ?? false);
      expect(tf.getBackend()).toBe('webgpu');
      await matmulWorks();
      await releaseBackend();
      expect(getBackendInfo()).toBeUndefined();
      // Dawn's navigator.gpu is gone again, so nothing native holds the process.
      expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
      // ...and it can start again afterwards.
      await initBackend('webgpu');
      await matmulWorks();
      await releaseBackend();
    } else {
      await initBackend('cpu');
      const error = await rejection(initBackend('webgpu'));
      expect(isPlasticityError(error, 'E_BACKEND')).toBe(true);
      expect((error as Error).message).toContain(webgpuProbe?.reason ?? '');
      expect(tf.getBackend()).toBe('cpu');
    }
  });
});

describe("'auto' and software adapters", () => {
  test('the webgpu step of auto refuses a software adapter even when one is there', async () => {
    await initBackend('cpu');
    const outcome = await startWebgpu({ allowSoftware: false, searchSwiftShader: true }).then(
      (info) => info,
      (error: unknown) => error,
    );
    if (webgpuProbe?.available && webgpuProbe.software) {
      expect(isPlasticityError(outcome, 'E_BACKEND')).toBe(true);
      expect((outcome as Error).message).toMatch(/only a software adapter is available \(SwiftShader/);
      expect(tf.getBackend()).toBe('cpu');
    } else if (webgpuProbe?.available) {
      expect(outcome).toMatchObject({ name: 'webgpu', software: false });
      await releaseBackend();
    } else {
      expect(isPlasticityError(outcome, 'E_BACKEND')).toBe(true);
    }
  });
});

describe('activateTfBackend (tf.setBackend only returns false)', () => {
  test('a failing factory becomes E_BACKEND with its reason; the previous backend stays', async () => {
    await initBackend('cpu');
    tf.registerBackend('broken-test', () => Promise.reject(new Error('driver exploded')), -1);
    const warn = console.warn;
    console.warn = () => undefined; // tfjs logs the failure too
    try {
      const error = await rejection(activateTfBackend('broken-test', 'webgpu'));
      expect(isPlasticityError(error, 'E_BACKEND')).toBe(true);
      expect((error as Error).message).toBe('webgpu backend failed to start: driver exploded');
    } finally {
      console.warn = warn;
      tf.removeBackend('broken-test');
    }
    expect(tf.getBackend()).toBe('cpu');
    await matmulWorks();
  });

  test('an unregistered tfjs backend is E_BACKEND', async () => {
    const error = await rejection(activateTfBackend('nope', 'cpu'));
    expect(isPlasticityError(error, 'E_BACKEND')).toBe(true);
  });
});

describe('probeBackends', () => {
  test('reports every backend, cpu and wasm available, reasons for the rest', () => {
    expect(probes.map((p) => p.name)).toEqual(['cpu', 'wasm', 'webgpu', 'node-gpu']);
    expect(probes[0].available).toBe(true);
    expect(probes[1]).toMatchObject({ available: true });
    for (const p of probes) if (!p.available) expect(p.reason).toEqual(expect.any(String));
  });

  test('leaves the active backend as it was', async () => {
    await initBackend('cpu');
    await probeBackends();
    expect(tf.getBackend()).toBe('cpu');
  });
});
