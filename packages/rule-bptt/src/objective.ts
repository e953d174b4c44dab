import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '@plasticity/core-tensors';
import type { TaskSpec } from '@plasticity/core-tensors';
import { lossByName, readoutScores } from '@plasticity/neurons';
import type { LossName, NetworkRun } from '@plasticity/neurons';
import type { BpttConfig } from './config.js';

/** The regression loss: mean squared error of the output layer's voltage trace against the target series. */
export const TRACE_MSE = 'trace-mse';

/** What a `layers` network's output is trained for: classes, or a regression on its trace. */
export interface Objective {
  /** Units the last layer must have. */
  readonly units: number;
  loss(run: NetworkRun, y: tf.Tensor): tf.Scalar;
  /** Class scores `[B, classes]`, or a regression's predicted series `[B, steps·units]`. */
  scores(run: NetworkRun): tf.Tensor2D;
}

function configError(message: string, field: string, value?: unknown): PlasticityError {
  return new PlasticityError('E_CONFIG', `bptt: ${message}`, {
    field,
    ...(value === undefined ? {} : { value }),
  });
}

/** The number of classes of a classification task (a whole number ≥ 2). */
export function classificationOutputs(task: TaskSpec): number {
  if (!(Number.isInteger(task.outputs) && task.outputs >= 2)) {
    throw configError(`task outputs must be a whole number ≥ 2, got ${task.outputs}`, 'task.outputs');
  }
  return task.outputs;
}

/** The output voltage trace `[T, B, N]` as rows `[B, T·N]`, time-major within a row. */
function traceRows(v: tf.Tensor): tf.Tensor2D {
  const [steps, batch, units] = v.shape;
  return tf.reshape(tf.transpose(v, [1, 0, 2]), [batch, steps * units]);
}

/**
 * The objective of a `layers` network on `task`, simulated for `steps` steps. Classification:
 * the configured readout loss on int labels. Regression (loss 'trace-mse'): the target rows
 * `y [B, outputs]` hold a series of `outputs / steps` channels per step (time-major), which the
 * output layer's voltage must follow; the loss is their mean squared difference.
 */
export function layeredObjective(config: BpttConfig, task: TaskSpec, steps: number): Objective {
  if (task.kind === 'classification') {
    if (config.loss === TRACE_MSE) {
      throw configError(
        `loss '${TRACE_MSE}' fits a regression; this task is a classification`,
        'loss',
        config.loss,
      );
    }
    const name = config.loss as LossName;
    const loss = lossByName(name);
    return {
      units: classificationOutputs(task),
      loss: (run, y) => loss(run, tf.cast(tf.reshape(y, [-1]), 'int32')),
      scores: (run) => readoutScores(name, run),
    };
  }
  if (config.loss !== TRACE_MSE) {
    throw configError(
      `a regression task is trained with loss '${TRACE_MSE}' (the output voltage against the target series), got '${config.loss}'`,
      'loss',
      config.loss,
    );
  }
  if (!(Number.isInteger(task.outputs / steps) && task.outputs >= steps)) {
    throw configError(
      `a regression's ${task.outputs} outputs must be a series on the ${steps}-step grid (a whole number of channels per step)`,
      'task.outputs',
    );
  }
  return {
    units: task.outputs / steps,
    loss: (run, y) => tf.mean(tf.squaredDifference(traceRows(run.v!), y)) as tf.Scalar,
    scores: (run) => traceRows(run.v!),
  };
}
