import * as tf from '@tensorflow/tfjs-core';
import {
  createGradientLearner,
  createRng,
  denseBatch,
  denseFeatureCount,
  meanSquaredError,
  softmaxCrossEntropy,
  paramName,
} from '@plasticity/core-tensors';
import type { Batch, BatchInput, GradientLearner, RulePlugin, TaskSpec } from '@plasticity/core-tensors';
import { backpropConfigSchema } from './config.js';
import type { BackpropConfig } from './config.js';
import { resolveInit } from './init.js';
import { createMlpParams, mlpForward } from './mlp.js';
import { backpropRecipes } from './recipes.js';

/** Builds the learner for a validated config (what `backpropRule.create` does). */
export function createBackpropLearner(config: BackpropConfig, task: TaskSpec, seed: number): GradientLearner {
  const features = denseFeatureCount(task, 'backprop');
  const sizes = [features, ...config.hidden, task.outputs];
  const rng = createRng(seed);
  const params = createMlpParams(sizes, resolveInit(config.init, config.activation), rng.fork('init'));
  const layers = sizes.length - 1;
  const dropoutRng = rng.fork('dropout');

  // Masks depend only on (seed, optimiser step), so a resumed run draws the same masks.
  const dropoutSeeds = (): number[] => {
    const stepRng = dropoutRng.fork(learner.iterations);
    return Array.from({ length: layers }, () => stepRng.int(2 ** 31 - 1));
  };

  const forward = (x: BatchInput, training: boolean): tf.Tensor2D =>
    mlpForward(params, denseBatch(x, features, 'backprop'), {
      activation: config.activation,
      dropout: training && config.dropout > 0 ? { rate: config.dropout, seeds: dropoutSeeds() } : undefined,
      inputGradient: false,
    });

  const loss = (batch: Batch) => {
    const scores = forward(batch.x, true);
    const value =
      task.kind === 'classification'
        ? softmaxCrossEntropy(scores, batch.y)
        : meanSquaredError(scores, batch.y);
    return { loss: value, scores };
  };

  const learner = createGradientLearner({
    params,
    loss,
    predict: (x) => tf.tidy(() => forward(x, false)),
    optimizer: config.optimizer,
    learningRate: config.learningRate,
    optimizerOptions: config,
    weightDecay:
      config.weightDecay > 0
        ? {
            rate: config.weightDecay,
            params: Array.from({ length: layers }, (_, i) => paramName(i, 'kernel')),
          }
        : undefined,
  });
  return learner;
}

/** The backprop baseline: an MLP trained by gradient descent on softmax cross-entropy. */
export const backpropRule: RulePlugin<BackpropConfig> = {
  name: 'backprop',
  package: { name: '@plasticity/rule-backprop' },
  summary:
    'Multilayer perceptron trained by backpropagation (Adam/SGD/momentum), the baseline for every rule.',
  configSchema: backpropConfigSchema,
  recipes: backpropRecipes,
  metrics: {
    loss: {
      label: 'training cross-entropy',
      description:
        'softmax cross-entropy of each training batch (mean squared error for regression), averaged over the epoch while the weights change, with dropout on: the quantity evaluation reports, measured during training',
    },
    accuracy: { label: 'training accuracy (during the epoch)' },
  },
  inputs: ['dense'],
  create: createBackpropLearner,
};
