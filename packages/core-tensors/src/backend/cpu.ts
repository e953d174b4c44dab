import * as tf from '@tensorflow/tfjs-core';
import type { BackendInfo } from './types.js';
import { activateTfBackend } from './activate.js';

export async function startCpu(): Promise<BackendInfo> {
  await import('@tensorflow/tfjs-backend-cpu');
  await activateTfBackend('cpu', 'cpu');
  // tfjs-backend-cpu urges Node users to install tfjs-node on first use; backends are chosen
  // by initBackend here (node-gpu, webgpu, wasm), so silence that advice.
  const backend = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (backend && 'firstUse' in backend) backend.firstUse = false;
  return { name: 'cpu', tfjsName: 'cpu', detail: 'plain JavaScript kernels (reference, slow)' };
}
