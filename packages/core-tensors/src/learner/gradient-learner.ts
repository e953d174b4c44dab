import * as tf from '@tensorflow/tfjs-core';
import type { Learner, ParamMap, StepMetrics } from '../contract/learner.js';
import type { Batch, BatchInput } from '../contract/task.js';
import { PlasticityError } from '../errors/plasticity-error.js';
import { accuracyMetric, readMetrics } from './metrics.js';
import { checkRate, createGradientStep, stepLearner } from '../optim/gradient-step.js';
import type { GradientOptimizerName, GradientOptimizerOptions } from '../optim/optimizer-config.js';

export type { GradientOptimizerName, GradientOptimizerOptions } from '../optim/optimizer-config.js';

/** What a loss function returns: the scalar to minimise, optionally with the batch's class scores. */
export type LossOutput = tf.Scalar | { readonly loss: tf.Scalar; readonly scores?: tf.Tensor };

export interface GradientLearnerOptions {
  /** Trainable variables; the learner takes ownership and disposes them in `dispose()`. */
  readonly params: ParamMap;
  /** Differentiable loss of one batch; returning `scores` too enables batch metrics at no extra cost. */
  loss(batch: Batch): LossOutput;
  /** Class scores for inputs `x` (the caller disposes the result). */
  predict(x: BatchInput): tf.Tensor | Promise<tf.Tensor>;
  readonly optimizer: GradientOptimizerName;
  readonly learningRate: number;
  readonly optimizerOptions?: GradientOptimizerOptions;
  /**
   * Batch metrics from the scores `loss` returned (scalars; disposed by the learner).
   * Default: `accuracy` when `y` holds class labels `[B]` and scores are `[B, classes]`.
   */
  metrics?(batch: Batch, scores: tf.Tensor): Record<string, tf.Scalar>;
  /**
   * Decoupled weight decay (AdamW style): each step also subtracts `lr·rate·p` (p before the
   * step) from the named params (default: all). With SGD this is exactly an L2 penalty `rate/2·‖p‖²`.
   */
  readonly weightDecay?: { readonly rate: number; readonly params?: readonly string[] };
}

/** A `Learner` plus access to the optimiser it drives (for tests and tools). */
export interface GradientLearner extends Learner {
  readonly optimizerName: GradientOptimizerName;
  /** Optimiser steps taken so far (restored by `loadState`). */
  readonly iterations: number;
}

/**
 * Turns a differentiable loss and a tfjs-core optimiser (`adam`, `sgd`, `momentum`) into a
 * `Learner`: each `trainStep` takes the loss's gradients by autodiff inside `tidy` and hands
 * them to a `GradientStep`, then reads the metrics back in one async download (no blocking
 * `dataSync`, good for WebGPU). `saveState`/`loadState` are the step's, for exact resume.
 */
export function createGradientLearner(options: GradientLearnerOptions): GradientLearner {
  checkRate(options.weightDecay?.rate ?? 0, 'weightDecay.rate');
  const step = createGradientStep(options.params, {
    ...options.optimizerOptions,
    optimizer: options.optimizer,
    learningRate: options.learningRate,
    weightDecay: options.weightDecay?.rate,
    decayed: options.weightDecay?.params,
  });
  const variables = Object.values(step.params);
  const names = Object.keys(step.params);
  const metricsOf = options.metrics ?? accuracyMetric;
  let disposed = false;

  async function trainStep(batch: Batch): Promise<StepMetrics> {
    if (disposed) throw new PlasticityError('E_USAGE', 'this learner has been disposed');
    let scores: tf.Tensor | undefined;
    try {
      return (await readMetrics(() => {
        const { value: loss, grads } = tf.variableGrads(() => {
          const out = options.loss(batch);
          if (out instanceof tf.Tensor) return out;
          // Kept past the gradient tape's scope so metrics reuse the forward pass.
          if (out.scores) scores = tf.keep(out.scores);
          return out.loss;
        }, variables);
        step.apply(Object.fromEntries(variables.map((v, i) => [names[i], grads[v.name]])));
        return { loss, ...(scores ? metricsOf(batch, scores) : {}) };
      })) as StepMetrics;
    } finally {
      scores?.dispose();
    }
  }

  return stepLearner(step, {
    optimizerName: step.optimizerName,
    trainStep,
    predict: (x: BatchInput) => options.predict(x),
    dispose: () => (disposed = true),
  });
}
