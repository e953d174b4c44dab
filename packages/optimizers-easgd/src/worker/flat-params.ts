import * as tf from '@tensorflow/tfjs-core';
import type { ParamMap } from '@plasticity/core-tensors';
import { PlasticityError } from '@plasticity/core-tensors';

const HOST_BACKENDS = new Set(['cpu', 'wasm']);

/** Parameter names in the fixed order of the flat vector: sorted, so every worker agrees. */
export function paramOrder(params: ParamMap): string[] {
  return Object.keys(params).sort();
}

/** Total number of values in `params`. */
export function paramCount(params: ParamMap): number {
  return paramOrder(params).reduce((n, name) => n + params[name].size, 0);
}

/**
 * All params as one float32 vector, in `paramOrder` (one download per variable), written into
 * `into` when given (a worker reuses one buffer per exchange instead of leaving garbage).
 */
export async function flattenParams(params: ParamMap, into?: Float32Array): Promise<Float32Array> {
  const names = paramOrder(params);
  for (const name of names) checkFloat(params, name);
  // On the CPU backends a synchronous read is a plain copy, three times faster than the async one
  // (measured on wasm: 0.9 against 2.9 ms for 200k values); elsewhere it would stall the device.
  const parts = HOST_BACKENDS.has(tf.getBackend())
    ? names.map((name) => params[name].dataSync() as Float32Array)
    : await Promise.all(names.map((name) => params[name].data() as Promise<Float32Array>));
  const total = parts.reduce((n, p) => n + p.length, 0);
  if (into !== undefined && into.length !== total) {
    throw new PlasticityError(
      'E_SHAPE',
      `flattenParams: the params hold ${total} values, the buffer ${into.length}`,
    );
  }
  const out = into ?? new Float32Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Writes a flat vector (in `paramOrder`) back into the variables. */
export function writeParams(params: ParamMap, flat: Float32Array): void {
  const total = paramCount(params);
  if (flat.length !== total) {
    throw new PlasticityError('E_SHAPE', `writeParams: the params hold ${total} values, got ${flat.length}`);
  }
  let offset = 0;
  for (const name of paramOrder(params)) {
    checkFloat(params, name);
    const variable = params[name];
    const slice = flat.subarray(offset, offset + variable.size);
    offset += variable.size;
    tf.tidy(() => variable.assign(tf.tensor(slice, variable.shape, 'float32')));
  }
}

function checkFloat(params: ParamMap, name: string): void {
  if (params[name].dtype !== 'float32') {
    throw new PlasticityError(
      'E_USAGE',
      `EASGD averages float32 params; "${name}" is ${params[name].dtype}`,
      { param: name },
    );
  }
}
