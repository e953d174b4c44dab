// A rule for the conformance suite's own tests: softmax regression with momentum (the linear
// learner fixture) behind a plugin, healthy or broken in one chosen way per conformance check.
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { denseBatch, denseFeatureCount } from '../contract/dense.js';
import type { Learner } from '../contract/learner.js';
import type { RulePlugin } from '../contract/plugin.js';
import type { TaskSpec } from '../contract/task.js';
import type { ConformanceCheck } from '../testing/conformance/options.js';
import { linearLearner } from './linear-learner.js';

/** How the broken variant of each check's rule goes wrong. */
export const BREAKAGES: Readonly<Record<ConformanceCheck, string>> = {
  config: 'the schema ignores unknown fields and takes a negative learning rate',
  seeds: 'create ignores the seed',
  leaks: 'trainStep keeps one tensor per step',
  predict: 'predict returns the scores transposed, [outputs, B]',
  resume: 'loadState drops the momentum',
  checkpoint: 'saveState adds a string tensor, which safetensors cannot hold',
  learning: 'trainStep never changes the weights',
  dispose: 'dispose frees the params but not the momentum',
};

const healthySchema = z.strictObject({
  learningRate: z.number().positive().default(0.1),
  momentum: z.number().min(0).lt(1).default(0.9),
});
const looseSchema = z.object({ learningRate: z.number().default(0.1), momentum: z.number().default(0.9) });
type Config = z.output<typeof healthySchema>;

function createLearner(config: Config, task: TaskSpec, seed: number, broken?: ConformanceCheck): Learner {
  const features = denseFeatureCount(task, 'conformance fixture');
  const inner = linearLearner({
    inputs: features,
    classes: task.outputs,
    seed: broken === 'seeds' ? 0 : seed,
    learningRate: broken === 'learning' ? 0 : config.learningRate,
    momentum: config.momentum,
  });
  const kept: tf.Tensor[] = [];
  const learner: Learner = {
    params: inner.params,
    get learningRate() {
      return inner.learningRate;
    },
    set learningRate(rate: number) {
      if (broken !== 'learning') inner.learningRate = rate;
    },
    async trainStep(batch) {
      if (broken === 'leaks') kept.push(tf.scalar(kept.length));
      return inner.trainStep(batch);
    },
    predict(x) {
      const dense = denseBatch(x, features, 'conformance fixture');
      const scores = inner.predict(dense) as tf.Tensor;
      if (dense !== x) dense.dispose();
      if (broken !== 'predict') return scores;
      const transposed = tf.transpose(scores);
      scores.dispose();
      return transposed;
    },
    async saveState() {
      const state = await inner.saveState!();
      return broken === 'checkpoint' ? { ...state, schedule: tf.tensor(['constant']) } : state;
    },
    async loadState(state) {
      if (broken !== 'resume') await inner.loadState!(state);
    },
    dispose() {
      tf.dispose(kept);
      if (broken === 'dispose') tf.dispose(Object.values(inner.params));
      else inner.dispose();
    },
  };
  return learner;
}

/** The fixture rule, healthy or with one check's breakage. */
export function conformanceRule(broken?: ConformanceCheck): RulePlugin<Config> {
  return {
    name: broken ? `broken-${broken}` : 'healthy',
    summary: broken ? BREAKAGES[broken] : 'softmax regression with momentum',
    configSchema: broken === 'config' ? looseSchema : healthySchema,
    create: (config, task, seed) => createLearner(config, task, seed, broken),
  };
}

/** Gaussian blobs, 4 features, 3 classes: what the fixture rule learns. */
export const BLOBS_TASK: TaskSpec = {
  input: { kind: 'dense', shape: [4] },
  outputs: 3,
  kind: 'classification',
};
