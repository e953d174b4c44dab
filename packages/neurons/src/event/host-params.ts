import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '@plasticity/core-tensors';
import type { ParamMap } from '@plasticity/core-tensors';
import type { EventPropNetwork } from './network.js';

/**
 * Copies the learner's weights from their tf.Variables (on any backend) into the host
 * network: one async download per weight, so WebGPU is never blocked.
 */
export async function downloadWeights(network: EventPropNetwork, params: ParamMap): Promise<void> {
  const names = Object.keys(network.shapes);
  const data = await Promise.all(names.map((name) => variableOf(params, name).data()));
  names.forEach((name, k) => network.setWeights(name, data[k]));
}

// Per network and weight, a float32 buffer the wasm backend copies gradients from.
const scratch = new WeakMap<EventPropNetwork, Map<string, Float32Array>>();

/**
 * Host gradients as float32 tensors on the active backend, shaped like the weights. Converted
 * by a plain loop: `Float32Array.from` of a Float64Array goes through the iterator (4 ms for
 * EventProp's 278 k MNIST weights, a sixth of a two-thread step). The wasm backend copies a new
 * tensor's values into its heap, so there the buffer is reused; other backends may keep it.
 */
export function gradientTensors(
  network: EventPropNetwork,
  grads: Readonly<Record<string, Float64Array>>,
): Record<string, tf.Tensor2D> {
  const reuse = tf.getBackend() === 'wasm';
  let buffers = scratch.get(network);
  if (buffers === undefined) scratch.set(network, (buffers = new Map()));
  const out: Record<string, tf.Tensor2D> = {};
  for (const [name, shape] of Object.entries(network.shapes)) {
    const source = grads[name];
    let values = reuse ? buffers.get(name) : undefined;
    if (values === undefined || values.length !== source.length) {
      values = new Float32Array(source.length);
      if (reuse) buffers.set(name, values);
    }
    for (let k = 0; k < source.length; k++) values[k] = source[k];
    out[name] = tf.tensor2d(values, shape, 'float32');
  }
  return out;
}

function variableOf(params: ParamMap, name: string): tf.Variable {
  const variable = params[name];
  if (variable === undefined) {
    throw new PlasticityError('E_CONFIG', `params lack the weight "${name}"`, { known: Object.keys(params) });
  }
  return variable;
}
