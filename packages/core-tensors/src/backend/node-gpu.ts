import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '../errors/plasticity-error.js';
import { activateTfBackend } from './activate.js';
import { isNode, reasonOf } from './environment.js';
import type { BackendInfo } from './types.js';

const NODE_GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';

const INSTALL_HINT =
  `install it with \`npm install ${NODE_GPU_PACKAGE}@${tf.version_core}\` ` +
  `(allow its install script: \`npm approve-scripts ${NODE_GPU_PACKAGE}\`). ` +
  'It runs only on Linux x64 with an NVIDIA GPU, CUDA 11.2 and cuDNN 8.1, and its install ' +
  'script downloads libtensorflow (~400 MB) from storage.googleapis.com, so it needs network access';

function isMissingModule(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /Cannot find (module|package)/.test(reasonOf(error))
  );
}

/** Imports @tensorflow/tfjs-node-gpu (an optional peer); E_BACKEND says what to install when it cannot. */
export async function loadNodeGpu(): Promise<void> {
  if (!isNode()) {
    throw new PlasticityError('E_BACKEND', 'node-gpu runs only in Node; in a browser use webgpu or wasm', {
      backend: 'node-gpu',
    });
  }
  try {
    // A variable specifier: TypeScript and bundlers must not require the optional peer.
    const specifier: string = NODE_GPU_PACKAGE;
    await import(specifier);
  } catch (error) {
    const reason = isMissingModule(error)
      ? `${NODE_GPU_PACKAGE} is not installed; ${INSTALL_HINT}`
      : `${NODE_GPU_PACKAGE} is installed but failed to load (${reasonOf(error)}); check the CUDA 11.2 / cuDNN 8.1 libraries, or reinstall: ${INSTALL_HINT}`;
    const summary = isMissingModule(error) ? 'not installed' : `failed to load: ${reasonOf(error)}`;
    throw new PlasticityError(
      'E_BACKEND',
      `node-gpu: ${reason}`,
      { backend: 'node-gpu', summary },
      { cause: error },
    );
  }
}

/** Loads @tensorflow/tfjs-node-gpu and activates its `tensorflow` backend. */
export async function startNodeGpu(): Promise<BackendInfo> {
  await loadNodeGpu();
  await activateTfBackend('tensorflow', 'node-gpu');
  return { name: 'node-gpu', tfjsName: 'tensorflow', detail: `${NODE_GPU_PACKAGE} (libtensorflow, CUDA)` };
}
