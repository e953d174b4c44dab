// A tiny stand-in learner for trainer tests: softmax regression trained by SGD with momentum,
// with its velocity and step count as optimiser state (so resume must restore them).
import * as tf from '@tensorflow/tfjs-core';
import type { Learner, ParamMap, StepMetrics } from '../contract/learner.js';
import type { Batch } from '../contract/task.js';
import { tensorInput } from '../contract/events.js';
import { softmaxCrossEntropy } from '../learner/losses.js';
import { createRng } from '../rng/rng.js';
import { glorotUniform } from '../rng/tensors.js';

export interface LinearLearner extends Learner {
  readonly steps: number;
  /** Every learning rate trainStep used, in order. */
  readonly rates: number[];
}

export function linearLearner(options: {
  inputs: number;
  classes: number;
  seed: number;
  learningRate?: number;
  momentum?: number;
  /** Make the loss NaN from this step on (1-based), to test divergence handling. */
  nanFromStep?: number;
}): LinearLearner {
  const rng = createRng(options.seed);
  // tidy frees the initial values; the variables (never tracked by tidy) stay.
  const [w, b, velocityW, velocityB] = tf.tidy(() => {
    const kernel = tf.variable(glorotUniform(rng.fork('w'), [options.inputs, options.classes]), true);
    const bias = tf.variable(tf.zeros([options.classes]), true);
    return [kernel, bias, tf.variable(tf.zerosLike(kernel), false), tf.variable(tf.zerosLike(bias), false)];
  });
  const params: ParamMap = { w, b };
  const velocity = { w: velocityW, b: velocityB };
  const momentum = options.momentum ?? 0.9;
  let learningRate = options.learningRate ?? 0.1;
  let steps = 0;
  const rates: number[] = [];

  const predict = (x: tf.Tensor): tf.Tensor => tf.add(tf.matMul(x as tf.Tensor2D, w), b);

  async function trainStep(batch: Batch): Promise<StepMetrics> {
    steps++;
    rates.push(learningRate);
    const poison = options.nanFromStep !== undefined && steps >= options.nanFromStep;
    const values = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const scores = predict(tensorInput(batch.x, 'linear learner')) as tf.Tensor2D;
        const loss = softmaxCrossEntropy(scores, batch.y);
        return poison ? (tf.mul(loss, NaN) as tf.Scalar) : loss;
      }, [w, b]);
      for (const [name, variable] of Object.entries({ w, b })) {
        const v = velocity[name as 'w' | 'b'];
        v.assign(tf.add(tf.mul(v, momentum), grads[variable.name]));
        variable.assign(tf.sub(variable, tf.mul(v, learningRate)));
      }
      const hits = tf.mean(
        tf.cast(
          tf.equal(tf.argMax(predict(tensorInput(batch.x, 'linear learner')), 1), tf.cast(batch.y, 'int32')),
          'float32',
        ),
      );
      return tf.stack([value, hits]);
    });
    const [loss, accuracy] = await values.data();
    values.dispose();
    return { loss, accuracy };
  }

  return {
    params,
    get learningRate() {
      return learningRate;
    },
    set learningRate(value: number) {
      learningRate = value;
    },
    get steps() {
      return steps;
    },
    rates,
    trainStep,
    // Learners own their intermediates: only the scores outlive predict.
    predict: (x) => tf.tidy(() => predict(tensorInput(x, 'linear learner'))),
    async saveState() {
      return {
        'w/velocity': velocity.w.clone(),
        'b/velocity': velocity.b.clone(),
        steps: tf.scalar(steps, 'int32'),
      };
    },
    async loadState(state) {
      velocity.w.assign(state['w/velocity']);
      velocity.b.assign(state['b/velocity']);
      steps = (await state.steps.data())[0];
    },
    dispose() {
      tf.dispose([w, b, velocity.w, velocity.b]);
    },
  };
}
