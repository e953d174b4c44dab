import * as tf from '@tensorflow/tfjs-core';
import { createGradientLearner } from '@plasticity/core-tensors';
import type {
  Batch,
  GradientLearner,
  GradientOptimizerName,
  GradientOptimizerOptions,
} from '@plasticity/core-tensors';

/** One optimiser over one group of variables, stepped with gradients computed elsewhere. */
export interface LocalOptimizer {
  readonly params: Readonly<Record<string, tf.Variable>>;
  /** Applies `grads` (one per param, same names; the caller keeps ownership) with the optimiser. */
  step(grads: Readonly<Record<string, tf.Tensor>>, batch: Batch): Promise<void>;
  learningRate: number;
  readonly inner: GradientLearner;
  dispose(): void;
}

export interface LocalOptimizerOptions {
  readonly optimizer: GradientOptimizerName;
  readonly learningRate: number;
  readonly optimizerOptions: GradientOptimizerOptions;
  readonly weightDecay: number;
  /** Params that decay (default: none). */
  readonly decayed?: readonly string[];
}

/**
 * Wraps `createGradientLearner` so a local rule gets tfjs' optimisers, decoupled weight decay
 * and exact `saveState/loadState` for gradients it computes itself: the "loss" handed to the
 * optimiser is a custom-gradient op whose gradient is the supplied one.
 */
export function createLocalOptimizer(
  params: Record<string, tf.Variable>,
  options: LocalOptimizerOptions,
): LocalOptimizer {
  const names = Object.keys(params);
  let pending: Readonly<Record<string, tf.Tensor>> | undefined;
  const supplied = tf.customGrad((..._variables: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.scalar(0),
    gradFunc: (dy: tf.Tensor) =>
      names.map((name) => tf.mul(dy, (pending as Record<string, tf.Tensor>)[name])),
  }));
  const inner = createGradientLearner({
    params,
    loss: () => supplied(...names.map((name) => params[name])) as tf.Scalar,
    predict: () => {
      throw new Error('a local optimizer does not predict');
    },
    optimizer: options.optimizer,
    learningRate: options.learningRate,
    optimizerOptions: options.optimizerOptions,
    weightDecay:
      options.weightDecay > 0 && (options.decayed?.length ?? 0) > 0
        ? { rate: options.weightDecay, params: options.decayed }
        : undefined,
  });
  return {
    params,
    inner,
    async step(grads, batch) {
      pending = grads;
      try {
        await inner.trainStep(batch);
      } finally {
        pending = undefined;
      }
    },
    get learningRate() {
      return inner.learningRate;
    },
    set learningRate(value: number) {
      inner.learningRate = value;
    },
    dispose: () => inner.dispose(),
  };
}
