import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import {
  PlasticityError,
  createGradientStep,
  createRng,
  denseBatch,
  denseFeatureCount,
  optimizerConfigShape,
  readMetrics,
  registerRule,
  stepLearner,
} from '@plasticity/core-tensors';
import type { Batch, BatchInput, Learner, RulePlugin, StepMetrics, TaskSpec } from '@plasticity/core-tensors';

export const ojaConfigSchema = z.strictObject({
  ...optimizerConfigShape,
  optimizer: optimizerConfigShape.optimizer.default('sgd'),
  features: z.number().int().positive().default(8).describe('Hidden units y = xW that Oja’s rule learns.'),
  initStd: z.number().positive().default(0.1).describe('Std of the initial weights.'),
});
export type OjaConfig = z.output<typeof ojaConfigSchema>;

/**
 * Oja's subspace rule learns the hidden layer without labels, ΔW = η(xᵀy − W·yᵀy)/B with y = xW
 * (each unit Hebbian, `xᵀy`, with a decay that keeps the weights bounded: W tends to span the
 * inputs' principal subspace). A delta-rule readout on y, ΔV = η·yᵀ(t − softmax(yV + c))/B,
 * learns the classes. Both updates are local: each weight sees only its own two ends.
 */
export function createOjaLearner(config: OjaConfig, task: TaskSpec, seed: number): Learner {
  if (task.kind !== 'classification') {
    throw new PlasticityError('E_CONFIG', 'oja trains classifiers', { field: 'task.kind' });
  }
  const inputs = denseFeatureCount(task, 'oja');
  const [k, classes] = [config.features, task.outputs];
  const rng = createRng(seed);
  const normal = (name: string, rows: number, cols: number) =>
    tf.tidy(() =>
      tf.variable(tf.tensor2d(rng.fork(name).normalArray(rows * cols, 0, config.initStd), [rows, cols])),
    );
  const w = normal('w', inputs, k);
  const v = normal('v', k, classes);
  const c = tf.tidy(() => tf.variable(tf.zeros([classes])));
  const step = createGradientStep({ w, v, c }, config);
  const hidden = (x: BatchInput) => tf.matMul(denseBatch(x, inputs, 'oja'), w);

  async function trainStep(batch: Batch): Promise<StepMetrics> {
    const metrics = await readMetrics(() => {
      const x = denseBatch(batch.x, inputs, 'oja');
      const y = tf.matMul(x, w);
      const target = tf.oneHot(tf.cast(batch.y, 'int32'), classes);
      const p = tf.softmax(tf.add(tf.matMul(y, v), c));
      const error = tf.div(tf.sub(p, target), batch.size);
      // The step descends, so each update goes in as −Δ/η.
      const hebb = tf.sub(tf.matMul(x, y, true, false), tf.matMul(w, tf.matMul(y, y, true, false)));
      step.apply({ w: tf.div(hebb, -batch.size), v: tf.matMul(y, error, true, false), c: tf.sum(error, 0) });
      const loss = tf.neg(tf.mean(tf.log(tf.add(tf.sum(tf.mul(target, p), 1), 1e-7))));
      const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(p, 1), tf.argMax(target, 1)), 'float32'));
      return { loss, accuracy };
    });
    return metrics as StepMetrics;
  }

  return stepLearner(step, {
    trainStep,
    predict: (x: BatchInput) => tf.tidy(() => tf.add(tf.matMul(hidden(x), v), c)),
  });
}

export const ojaRule: RulePlugin<OjaConfig> = {
  name: 'oja',
  summary:
    'Oja’s subspace rule learns hidden features without labels; a delta-rule readout learns the classes.',
  configSchema: ojaConfigSchema,
  recipes: { yinyang: { config: { features: 4 }, fit: { epochs: 20, batchSize: 32, learningRate: 0.05 } } },
  inputs: ['dense'],
  create: createOjaLearner,
};

registerRule(ojaRule);
