import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError, createGradientLearner, createRng, isEventBatch } from '@plasticity/core-tensors';
import type { Batch, BatchInput, GradientLearner, RulePlugin, TaskSpec } from '@plasticity/core-tensors';
import { backpropConfigSchema } from './config.js';
import type { BackpropConfig } from './config.js';
import { resolveInit } from './init.js';
import { meanSquaredError, softmaxCrossEntropy } from './loss.js';
import { createMlpParams, mlpForward, kernelName } from './mlp.js';
import { backpropRecipes } from './recipes.js';

/** Features per sample of a dense task; other input kinds are not for this rule. */
function denseInputSize(task: TaskSpec): number {
  if (task.input.kind !== 'dense') {
    throw new PlasticityError(
      'E_CONFIG',
      `backprop trains MLPs on dense features; this task has ${task.input.kind} input (use a spiking rule, or encode the data densely)`,
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

/** `[B, ...shape]` → `[B, features]` float32, checking the feature count. */
function flatten(x: BatchInput, features: number): tf.Tensor2D {
  if (isEventBatch(x)) {
    throw new PlasticityError(
      'E_SHAPE',
      `backprop expects dense features [B, ${features}], got an event batch (use a spiking rule such as bptt or eventprop)`,
      { expected: features, input: 'events' },
    );
  }
  const batch = x.shape[0] ?? 0;
  if (x.rank < 1 || x.size !== batch * features) {
    throw new PlasticityError(
      'E_SHAPE',
      `backprop expects inputs of ${features} features per sample, got shape [${x.shape}]`,
      { expected: features, shape: x.shape },
    );
  }
  const flat = x.rank === 2 ? x : tf.reshape(x, [batch, features]);
  return (flat.dtype === 'float32' ? flat : tf.cast(flat, 'float32')) as tf.Tensor2D;
}

/** Builds the learner for a validated config (what `backpropRule.create` does). */
export function createBackpropLearner(config: BackpropConfig, task: TaskSpec, seed: number): GradientLearner {
  const features = denseInputSize(task);
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
    mlpForward(params, flatten(x, features), {
      activation: config.activation,
      dropout: training && config.dropout > 0 ? { rate: config.dropout, seeds: dropoutSeeds() } : undefined,
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
    optimizerOptions: {
      beta1: config.beta1,
      beta2: config.beta2,
      epsilon: config.epsilon,
      momentum: config.momentum,
      nesterov: config.nesterov,
    },
    weightDecay:
      config.weightDecay > 0
        ? { rate: config.weightDecay, params: Array.from({ length: layers }, (_, i) => kernelName(i)) }
        : undefined,
  });
  return learner;
}

/** The backprop baseline: an MLP trained by gradient descent on softmax cross-entropy. */
export const backpropRule: RulePlugin<BackpropConfig> = {
  name: 'backprop',
  summary:
    'Multilayer perceptron trained by backpropagation (Adam/SGD/momentum), the baseline for every rule.',
  configSchema: backpropConfigSchema,
  recipes: backpropRecipes,
  create: createBackpropLearner,
};
