import * as tf from '@tensorflow/tfjs-core';

const replaced = new Set<string>();

/**
 * Replaces the wasm backend's `kernelName` kernel by `kernelFunc`, which gets tfjs' original to
 * fall back on. Once per kernel; nothing happens before the wasm backend has registered it.
 */
export function overrideWasmKernel(
  kernelName: string,
  kernelFunc: (args: Parameters<tf.KernelFunc>[0], original: tf.KernelFunc) => ReturnType<tf.KernelFunc>,
): void {
  if (replaced.has(kernelName)) return;
  const original = tf.getKernel(kernelName, 'wasm');
  if (original === undefined) return;
  replaced.add(kernelName);
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    kernelFunc: (args) => kernelFunc(args, original.kernelFunc),
  });
}
