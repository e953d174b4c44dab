import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

/** Tests here only build tensors from host arrays, so the cpu backend is enough. */
export async function useCpuBackend(): Promise<void> {
  tf.env().set('IS_TEST', true); // silences the "install tfjs-node" banner
  if (!(await tf.setBackend('cpu'))) throw new Error('cpu backend failed to start');
  await tf.ready();
}
