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

/** Host gradients as float32 tensors on the active backend, shaped like the weights. */
export function gradientTensors(
  network: EventPropNetwork,
  grads: Readonly<Record<string, Float64Array>>,
): Record<string, tf.Tensor2D> {
  const out: Record<string, tf.Tensor2D> = {};
  for (const [name, shape] of Object.entries(network.shapes)) {
    out[name] = tf.tensor2d(Float32Array.from(grads[name]), shape, 'float32');
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
