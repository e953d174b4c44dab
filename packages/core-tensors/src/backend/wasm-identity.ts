import * as tf from '@tensorflow/tfjs-core';
import { overrideWasmKernel } from './wasm-override.js';

interface RefCountingBackend {
  incRef(dataId: tf.DataId): void;
}

/**
 * Makes the wasm backend's Identity kernel share its input's data, as the cpu and webgl
 * backends' do, instead of copying it. tfjs clones every tensor autodiff saves for the backward
 * pass through Identity, so the copy cost a full pass over each saved activation per step (7 %
 * of a snnTorch-tutorial BPTT step). Tensors are immutable and the backend counts references
 * (its reshape shares data the same way), so sharing is safe. Idempotent.
 */
export function shareWasmIdentity(): void {
  overrideWasmKernel(tf.Identity, (args, original) => {
    const x = args.inputs.x!;
    // Strings live outside the heap; leave them to the original kernel.
    if (x.dtype === 'string') return original(args);
    (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
}
