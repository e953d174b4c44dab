import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '../errors/plasticity-error.js';
import { reasonOf } from '../backend/environment.js';
import { atomicWriteFile } from './atomic-write.js';
import { nodeIo } from './node-io.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import type { HostDtype, HostTensor } from './safetensors.js';

/** Downloads tensors to host memory (async: no blocking readback on WebGPU). */
export async function toHost(
  tensors: Readonly<Record<string, tf.Tensor>>,
): Promise<Record<string, HostTensor>> {
  const out: Record<string, HostTensor> = {};
  for (const [name, tensor] of Object.entries(tensors)) {
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32' && tensor.dtype !== 'bool') {
      throw new PlasticityError('E_USAGE', `tensor "${name}": dtype ${tensor.dtype} cannot be saved`);
    }
    const data = (await tensor.data()) as HostTensor['data'];
    out[name] = { dtype: tensor.dtype as HostDtype, shape: tensor.shape, data };
  }
  return out;
}

/** Writes tensors to a safetensors file, atomically. */
export async function writeSafetensors(
  path: string,
  tensors: Readonly<Record<string, tf.Tensor>>,
  metadata?: Readonly<Record<string, string>>,
): Promise<void> {
  await atomicWriteFile(path, encodeSafetensors(await toHost(tensors), metadata));
}

/** Reads a safetensors file into tfjs tensors (the caller disposes them). */
export async function readSafetensors(
  path: string,
): Promise<{ tensors: Record<string, tf.Tensor>; metadata: Record<string, string> }> {
  const { fs } = await nodeIo();
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    const missing = (error as { code?: string }).code === 'ENOENT';
    throw new PlasticityError('E_CHECKPOINT', `${path}: ${missing ? 'file not found' : reasonOf(error)}`, {
      file: path,
    });
  }
  const decoded = decodeSafetensors(bytes, path);
  const tensors: Record<string, tf.Tensor> = {};
  for (const [name, t] of Object.entries(decoded.tensors))
    tensors[name] = tf.tensor(t.data, [...t.shape], t.dtype);
  return { tensors, metadata: decoded.metadata };
}
