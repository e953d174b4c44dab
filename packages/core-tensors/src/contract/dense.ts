import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '../errors/plasticity-error.js';
import { isEventBatch } from './events.js';
import type { BatchInput, TaskSpec } from './task.js';

/**
 * Features per sample of a task with dense input and at least one output; otherwise an
 * `E_CONFIG` error naming `rule` (e.g. `'backprop'`) and the task field at fault.
 */
export function denseFeatureCount(task: TaskSpec, rule: string): number {
  if (task.input.kind !== 'dense') {
    throw new PlasticityError(
      'E_CONFIG',
      `${rule} trains on dense features; this task has ${task.input.kind} input (use a spiking rule, or encode the data densely)`,
      { field: 'task.input.kind', value: task.input.kind },
    );
  }
  const size = task.input.shape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(size) || size < 1) {
    throw new PlasticityError('E_CONFIG', `task input shape [${task.input.shape}] has no features`, {
      field: 'task.input.shape',
    });
  }
  if (!Number.isInteger(task.outputs) || task.outputs < 1) {
    throw new PlasticityError('E_CONFIG', `task outputs must be a positive integer, got ${task.outputs}`, {
      field: 'task.outputs',
    });
  }
  return size;
}

/**
 * A dense batch as `[B, features]` float32: `x` itself when it already is one, else a new
 * tensor (reshaped and cast inside its own `tidy`). An event batch or a wrong feature count is
 * an `E_SHAPE` error naming `rule`.
 */
export function denseBatch(x: BatchInput, features: number, rule: string): tf.Tensor2D {
  if (isEventBatch(x)) {
    throw new PlasticityError(
      'E_SHAPE',
      `${rule} expects dense features [B, ${features}], got an event batch (use a spiking rule such as bptt or eventprop)`,
      { expected: features, input: 'events' },
    );
  }
  const batch = x.shape[0] ?? 0;
  if (x.rank < 1 || x.size !== batch * features) {
    throw new PlasticityError(
      'E_SHAPE',
      `${rule} expects inputs of ${features} features per sample, got shape [${x.shape}]`,
      { expected: features, shape: x.shape },
    );
  }
  if (x.rank === 2 && x.dtype === 'float32') return x as tf.Tensor2D;
  return tf.tidy(() => tf.cast(tf.reshape(x, [batch, features]), 'float32')) as tf.Tensor2D;
}
