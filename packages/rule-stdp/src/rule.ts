import * as tf from '@tensorflow/tfjs-core';
import {
  PlasticityError,
  accuracyMetric,
  createGradientStep,
  createRng,
  denseBatch,
  denseFeatureCount,
  paramName,
  readMetrics,
  stepLearner,
} from '@plasticity/core-tensors';
import type {
  Batch,
  BatchInput,
  InspectOptions,
  Inspection,
  Learner,
  RulePlugin,
  StepMetrics,
  TaskSpec,
} from '@plasticity/core-tensors';
import { normalizeColumns, presentRateCoded, stdpUpdate } from './competitive-layer.js';
import type { CompetitiveLayer, Presentation } from './competitive-layer.js';
import { stdpConfigSchema } from './config.js';
import type { StdpConfig } from './config.js';
import { stdpRecipes } from './recipes.js';

const RULE = 'stdp';
const WEIGHTS = paramName(0, 'kernel');
const THETA = paramName(0, 'threshold');
const READOUT = paramName(1, 'kernel');
const READOUT_BIAS = paramName(1, 'bias');

/**
 * The learner: a competitive layer of LIF neurons learns features from rate-coded inputs
 * (intensities in [0, 1]) by STDP, without labels; a softmax readout on each neuron's share of
 * the sample's spikes learns the classes by the delta rule, through the core's gradient step.
 * Input spikes are drawn from `seed` and the step count, so a resumed run repeats exactly;
 * `predict` always draws the same spikes. The layer (weights, thresholds, spikes) is computed on
 * the host and is the same on every backend; the readout is tfjs arithmetic.
 */
export function createStdpLearner(config: StdpConfig, task: TaskSpec, seed: number): Learner {
  if (task.kind !== 'classification') {
    throw new PlasticityError('E_CONFIG', `${RULE} trains classifiers`, { field: 'task.kind' });
  }
  const inputs = denseFeatureCount(task, RULE);
  const { hidden } = config;
  const classes = task.outputs;
  const rng = createRng(seed);
  // Positive weights, each neuron's summing to 1, made on the host as every later update is,
  // so the layer is the same bit for bit on every backend.
  const initial = normalizeColumns(rng.fork('weights').uniformArray(inputs * hidden, 0.5, 1), hidden);
  const weights = tf.tidy(() => tf.variable(tf.tensor2d(initial, [inputs, hidden]), false));
  const theta = tf.tidy(() => tf.variable(tf.zeros([hidden]), false));
  const kernel = tf.tidy(() => tf.variable(tf.zeros([hidden, classes])));
  const bias = tf.tidy(() => tf.variable(tf.zeros([classes])));
  const step = createGradientStep({ [READOUT]: kernel, [READOUT_BIAS]: bias }, config);

  /** The layer as the variables hold it now (checkpoints and resume write the variables). */
  async function layer(): Promise<CompetitiveLayer> {
    const [w, th] = await Promise.all([weights.data(), theta.data()]);
    return { weights: w as Float32Array, theta: th as Float32Array, hidden };
  }
  async function show(x: BatchInput, draw: string, learn: boolean, record = false) {
    const features = denseBatch(x, inputs, RULE);
    const intensities = (await features.data()) as Float32Array;
    if (features !== x) features.dispose();
    const batch = intensities.length / inputs;
    const current = await layer();
    return {
      current,
      shown: presentRateCoded(current, intensities, batch, config, learn, rng.fork(draw), record),
      batch,
    };
  }
  /** Each neuron's share of the sample's spikes (0 where the layer stayed silent): the readout's input. */
  const spikeShares = (shown: Presentation, batch: number) => {
    const counts = tf.tensor2d(shown.counts, [batch, hidden]);
    return tf.div(counts, tf.maximum(tf.sum(counts, 1, true), 1));
  };
  const readout = (shares: tf.Tensor) => tf.add(tf.matMul(shares, kernel), bias);

  async function trainStep(batch: Batch): Promise<StepMetrics> {
    const { current, shown } = await show(batch.x, `train-${step.iterations}`, true);
    const next = stdpUpdate(current, shown, config);
    const kept = (1 - config.thetaDecay) ** batch.size;
    const nextTheta = current.theta.map((value, j) => {
      let spikes = 0;
      for (let b = 0; b < batch.size; b++) spikes += shown.counts[b * hidden + j];
      return value * kept + config.thetaPlus * spikes;
    });
    const metrics = await readMetrics(() => {
      const shares = spikeShares(shown, batch.size);
      const logits = readout(shares);
      const target = tf.oneHot(tf.cast(batch.y, 'int32'), classes);
      const error = tf.sub(tf.softmax(logits), target); // ∂(cross-entropy)/∂logits
      step.apply({
        [READOUT]: tf.div(tf.matMul(shares, error, true, false), batch.size),
        [READOUT_BIAS]: tf.mean(error, 0),
      });
      weights.assign(tf.tensor2d(next, [inputs, hidden]));
      theta.assign(tf.tensor1d(nextTheta));
      const loss = tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1)));
      return { loss, ...accuracyMetric(batch, logits) };
    });
    const spikes = shown.counts.reduce((total, count) => total + count, 0) / batch.size;
    return { ...(metrics as StepMetrics), spikes };
  }

  return stepLearner(step, {
    params: { ...step.params, [WEIGHTS]: weights, [THETA]: theta },
    trainStep,
    async predict(x: BatchInput) {
      const { shown, batch } = await show(x, 'predict', false);
      return tf.tidy(() => readout(spikeShares(shown, batch)));
    },
    /** Input and layer rasters of the first samples, drawn as `predict` draws them. */
    async inspect(x: BatchInput, options: InspectOptions = {}): Promise<Inspection> {
      const features = denseBatch(x, inputs, RULE);
      const count = Math.min(options.samples ?? 4, features.shape[0]);
      const first = tf.slice(features, [0, 0], [count, inputs]);
      if (features !== x) features.dispose();
      const { shown } = await show(first, 'predict', false, true);
      first.dispose();
      const { input, output } = shown.rasters!;
      return {
        duration: config.steps,
        layers: [
          { name: 'input', size: inputs, samples: input },
          { name: 'stdp', size: hidden, samples: output },
        ],
      };
    },
    dispose() {
      weights.dispose();
      theta.dispose();
    },
  });
}

export const stdpRule: RulePlugin<StdpConfig> = {
  name: RULE,
  package: { name: '@plasticity/rule-stdp' },
  summary:
    'Spike-timing-dependent plasticity: a competitive spiking layer learns features without labels (Diehl & Cook style), with a delta-rule readout.',
  configSchema: stdpConfigSchema,
  recipes: stdpRecipes,
  metrics: {
    loss: { label: 'training cross-entropy of the readout' },
    accuracy: { label: 'training accuracy (during the epoch)' },
    spikes: { label: 'spikes of the competitive layer per input' },
  },
  inputs: ['dense'],
  create: createStdpLearner,
};
