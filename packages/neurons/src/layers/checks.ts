import type * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '@plasticity/core-tensors';

export function positiveInteger(value: number, field: string, layer: string): number {
  if (!(Number.isInteger(value) && value > 0)) {
    throw new PlasticityError('E_CONFIG', `${layer}: ${field} must be a whole number > 0, got ${value}`, {
      field,
      value,
    });
  }
  return value;
}

export function expectShape(t: tf.Tensor | undefined, shape: readonly number[], what: string): void {
  const ok =
    t !== undefined && t.rank === shape.length && t.shape.every((d, i) => shape[i] < 0 || d === shape[i]);
  if (!ok) {
    const wanted = `[${shape.map((d) => (d < 0 ? '?' : d)).join(', ')}]`;
    throw new PlasticityError(
      'E_SHAPE',
      `${what} must have shape ${wanted}, got ${t ? `[${t.shape.join(', ')}]` : 'nothing'}`,
      { expected: shape, actual: t?.shape },
    );
  }
}
