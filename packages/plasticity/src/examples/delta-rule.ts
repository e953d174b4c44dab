import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import {
  PlasticityError,
  createGradientStep,
  createRng,
  optimizerConfigShape,
  readMetrics,
  registerRule,
  stepLearner,
  tensorInput,
} from '@plasticity/core-tensors';
import type { Batch, Learner, RulePlugin, StepMetrics, TaskSpec } from '@plasticity/core-tensors';

// What a user may set under "config" (CLI --config file, or the API). Every field has a
// default; strictObject turns a misspelt key into an error instead of silently ignoring it.
// The optimiser fields (optimizer, learningRate, beta1, ...) are the core's shared ones.
export const deltaConfigSchema = z.strictObject({
  ...optimizerConfigShape,
  optimizer: optimizerConfigShape.optimizer.default('sgd'),
  initStd: z.number().min(0).default(0.01).describe('Std of the initial weights.'),
});
export type DeltaConfig = z.output<typeof deltaConfigSchema>;

/**
 * The delta rule on one softmax layer: p = softmax(xW + b), and for one-hot targets t
 * ΔW = η·xᵀ(t − p)/B, Δb = η·Σ(t − p)/B. A local rule: each weight changes by its output's
 * error times its input. (For this one layer it is also the exact cross-entropy gradient.)
 */
export function createDeltaLearner(config: DeltaConfig, task: TaskSpec, seed: number): Learner {
  if (task.input.kind !== 'dense' || task.kind !== 'classification') {
    throw new PlasticityError('E_CONFIG', 'delta-rule needs a classification task with dense inputs', {
      field: 'task',
    });
  }
  const inputs = task.input.shape.reduce((a, b) => a * b, 1);
  const classes = task.outputs;
  // All randomness comes from the seed, so a run is reproducible.
  const init = createRng(seed).normalArray(inputs * classes, 0, config.initStd);
  const w = tf.variable(tf.tensor2d(init, [inputs, classes]));
  const b = tf.variable(tf.zeros([classes]));
  const logits = (x: tf.Tensor): tf.Tensor2D => tf.add(tf.matMul(tf.reshape(x, [-1, inputs]), w), b);
  // The optimiser (plain SGD unless configured) applies our update; it also gives us the
  // learning rate the trainer sets each epoch, and saveState/loadState for exact resume.
  const step = createGradientStep({ w, b }, config);

  return stepLearner(step, {
    trainStep: async (batch: Batch) =>
      // One async read per step (never dataSync: it would stall WebGPU).
      (await readMetrics(() => {
        const x = tf.reshape(tensorInput(batch.x, 'delta rule'), [-1, inputs]);
        const labels = tf.cast(batch.y, 'int32');
        const target = tf.oneHot(labels, classes);
        const p = tf.softmax(logits(x));
        // The step descends, so it gets −Δ/η: xᵀ(p − t)/B and Σ(p − t)/B.
        const error = tf.div(tf.sub(p, target), batch.size);
        step.apply({ w: tf.matMul(x, error, true, false), b: tf.sum(error, 0) });
        // Metrics of this batch before the update: cross-entropy and accuracy.
        const loss = tf.neg(tf.mean(tf.log(tf.add(tf.sum(tf.mul(target, p), 1), 1e-7))));
        const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(p, 1), labels), 'float32'));
        return { loss, accuracy };
      })) as StepMetrics,
    predict: (x) => tf.tidy(() => logits(tensorInput(x, 'delta rule'))),
  });
}

export const deltaRule: RulePlugin<DeltaConfig> = {
  name: 'delta-rule',
  summary: 'One softmax layer trained by the delta rule (a local rule, no autodiff).',
  configSchema: deltaConfigSchema,
  // What `plasticity train delta-rule --dataset yinyang` uses unless told otherwise.
  recipes: {
    yinyang: {
      fit: { epochs: 30, batchSize: 32, learningRate: 0.5 },
      note: 'About 69% test: the classes are not linear.',
    },
  },
  // Optional: what the step metrics are, for the report's axes (its `loss` is this rule's own
  // training objective; the report charts evaluation cross-entropy separately).
  metrics: { loss: { label: 'training cross-entropy (before the update)' } },
  create: createDeltaLearner,
};

// Importing the module makes the rule available to getRule() and the CLI.
registerRule(deltaRule);
