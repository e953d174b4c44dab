import * as tf from '@tensorflow/tfjs-core';
import {
  PlasticityError,
  accuracyMetric,
  createGradientStep,
  createRng,
  isEventBatch,
  readMetrics,
  stepLearner,
} from '@plasticity/core-tensors';
import type {
  Batch,
  BatchInput,
  EventBatch,
  InspectOptions,
  Learner,
  RulePlugin,
  TaskSpec,
} from '@plasticity/core-tensors';
import { spikeEventConfigSchema } from './config.js';
import type { SpikeEventConfig } from './config.js';
import { firstSamples, rasters } from './inspect.js';
import { intensity } from './intensity.js';
import { HIDDEN_INTENSITY, createNetworkParams, forwardPass, networkGradients } from './network.js';
import type { ForwardPass } from './network.js';
import { samplePoisson } from './poisson.js';
import { expectedCounts, poissonLogLikelihood } from './point-process.js';
import { READOUT_BIAS, READOUT_KERNEL, readoutFeatures, readoutGradients, readoutScores } from './readout.js';
import { spikeEventRecipes } from './recipes.js';
import { binnedInputs, logFactorialSum } from './traces.js';

export interface SpikeEventLearner extends Learner {
  /** Optimiser steps taken. */
  readonly iterations: number;
}

function eventInput(x: BatchInput, channels: number): EventBatch {
  if (!isEventBatch(x)) {
    throw new PlasticityError('E_SHAPE', 'spike-event takes event-list batches (EventBatch), not tensors');
  }
  if (x.channels !== channels) {
    throw new PlasticityError(
      'E_SHAPE',
      `spike-event: the batch has ${x.channels} channels, the network was built for ${channels}`,
    );
  }
  return x;
}

function checkTask(task: TaskSpec): number {
  if (task.input.kind !== 'events') {
    throw new PlasticityError(
      'E_CONFIG',
      `spike-event learns from event lists (task.input.kind 'events'), got '${task.input.kind}'`,
      { field: 'task.input.kind' },
    );
  }
  if (task.kind !== 'classification' || !(Number.isInteger(task.outputs) && task.outputs > 1)) {
    throw new PlasticityError(
      'E_CONFIG',
      'spike-event’s readout classifies (task.kind classification, ≥ 2 classes)',
      {
        field: 'task.kind',
      },
    );
  }
  return task.input.channels;
}

/** One batch through the network: counts `[T·B, C]` and the forward pass, rows time-major. */
interface BatchPass {
  readonly counts: tf.Tensor3D;
  readonly data: tf.Tensor2D;
  readonly pass: ForwardPass;
}

/** Builds the learner for a validated config (what `spikeEventRule.create` does). */
export function createSpikeEventLearner(
  config: SpikeEventConfig,
  task: TaskSpec,
  seed: number,
): SpikeEventLearner {
  const channels = checkTask(task);
  const f = config.intensity;
  const weightLayers = config.hidden.length + 1;
  const rng = createRng(seed);
  const features = config.readout === 'hidden' ? config.hidden[config.hidden.length - 1] : channels;
  const params = {
    ...createNetworkParams([channels, ...config.hidden, channels], config, rng.fork('init')),
    [READOUT_KERNEL]: tf.tidy(() => tf.variable(tf.zeros([features, task.outputs]), true)),
    [READOUT_BIAS]: tf.tidy(() => tf.variable(tf.zeros([task.outputs]), true)),
  };
  const step = createGradientStep(params, config);
  const modelRng = rng.fork('model');

  const run = (events: EventBatch): BatchPass => {
    const { counts, traces } = binnedInputs(events, config.dt, config.tau);
    const [steps, batch] = counts.shape;
    // No tidy: every tensor made here is returned (the pass holds the input rows).
    const data = tf.reshape(counts, [steps * batch, channels]) as tf.Tensor2D;
    const inputRows = tf.reshape(traces, [steps * batch, channels]) as tf.Tensor2D;
    traces.dispose();
    return { counts, data, pass: forwardPass(params, inputRows, weightLayers) };
  };
  const dispose = (b: BatchPass) => tf.dispose([b.counts, b.data, ...b.pass.inputs, ...b.pass.drives]);
  const topHidden = (pass: ForwardPass) => pass.inputs[weightLayers - 1];
  const predictionDrive = (pass: ForwardPass) => pass.drives[weightLayers - 1];

  async function trainStep(batch: Batch) {
    const events = eventInput(batch.x, channels);
    const current = run(events);
    const mean = expectedCounts(f, predictionDrive(current.pass), config.dt);
    // The spikes the model itself emits in each bin, drawn per (seed, step): resume repeats them.
    const sampled = samplePoisson((await mean.data()) as Float32Array, modelRng.fork(step.iterations));
    const model = tf.tensor2d(sampled, mean.shape);
    const lnFactorials = logFactorialSum(events, config.dt);
    let grads: Record<string, tf.Tensor> = {};
    const metrics = await readMetrics(() => {
      const network = networkGradients(params, f, current.pass, current.data, model, 1 / events.size);
      const readout = readoutGradients(
        readoutFeatures(config.readout, topHidden(current.pass), current.counts),
        batch.y,
        params[READOUT_KERNEL],
        params[READOUT_BIAS],
      );
      grads = { ...network, ...readout.grads };
      for (const g of Object.values(grads)) tf.keep(g);
      const spikes = tf.maximum(tf.sum(current.data), 1); // per event; a silent batch counts as one
      // A homogeneous Poisson model per channel at the batch's own rate: the baseline to beat.
      const perChannel = tf.sum(current.data, 0);
      const bins = current.data.shape[0];
      const constant = tf.sum(
        tf.sub(tf.mul(perChannel, tf.log(tf.div(tf.maximum(perChannel, 1), bins))), perChannel),
      );
      const modelLogLik = poissonLogLikelihood(mean, current.data);
      return {
        loss: readout.loss,
        ...accuracyMetric(batch, readout.scores),
        predictionLogLik: tf.div(tf.sub(modelLogLik, lnFactorials), spikes),
        constantRateLogLik: tf.div(tf.sub(constant, lnFactorials), spikes),
        sampledRatio: tf.div(tf.sum(model), spikes),
      };
    });
    step.apply(grads);
    tf.dispose([mean, model, ...Object.values(grads)]);
    dispose(current);
    return metrics as Awaited<ReturnType<Learner['trainStep']>>;
  }

  async function predict(x: BatchInput): Promise<tf.Tensor> {
    const current = run(eventInput(x, channels));
    const scores = tf.tidy(() =>
      readoutScores(
        readoutFeatures(config.readout, topHidden(current.pass), current.counts),
        params[READOUT_KERNEL],
        params[READOUT_BIAS],
      ),
    );
    dispose(current);
    return scores;
  }

  async function inspect(x: BatchInput, options: InspectOptions = {}) {
    const all = eventInput(x, channels);
    const events = firstSamples(all, Math.min(options.samples ?? 4, all.size));
    const current = run(events);
    const inspectRng = rng.fork('inspect');
    const hidden = [];
    for (let k = 0; k < config.hidden.length; k++) {
      const mean = tf.tidy(() =>
        tf.mul(intensity(HIDDEN_INTENSITY, current.pass.drives[k]), (config.hiddenRate / 1000) * config.dt),
      );
      hidden.push({
        name: `hidden ${k + 1}`,
        counts: samplePoisson((await mean.data()) as Float32Array, inspectRng.fork(k)),
        units: config.hidden[k],
      });
      mean.dispose();
    }
    const mean = expectedCounts(f, predictionDrive(current.pass), config.dt);
    const predicted = samplePoisson((await mean.data()) as Float32Array, inspectRng.fork('prediction'));
    mean.dispose();
    const steps = current.counts.shape[0];
    dispose(current);
    return rasters(
      events,
      [...hidden, { name: 'predicted events (model spikes)', counts: predicted, units: channels }],
      {
        steps,
        dt: config.dt,
      },
    );
  }

  return stepLearner(step, { trainStep, predict, inspect });
}

/** Spike-event based learning (Henderson, Gibson & Wiles), read as maximum-likelihood learning of a point-process network. */
export const spikeEventRule: RulePlugin<SpikeEventConfig> = {
  name: 'spike-event',
  package: { name: '@plasticity/rule-spike-event' },
  summary:
    'Spike-event based learning (Henderson, Gibson & Wiles): point-process units learn to predict the next events with updates applied only at spikes (+ at data spikes, − at model spikes); a linear readout classifies.',
  configSchema: spikeEventConfigSchema,
  recipes: spikeEventRecipes,
  metrics: {
    loss: {
      label: 'readout cross-entropy (training)',
      description: 'softmax cross-entropy of the linear readout on each training batch, before its update',
    },
    accuracy: { label: 'readout training accuracy (during the epoch)' },
    predictionLogLik: {
      label: 'prediction log-likelihood',
      unit: 'nats/event',
      description:
        'Poisson log-likelihood of each training batch’s events in each bin given the events before it, under the network before its update on that batch, per event',
    },
    constantRateLogLik: {
      label: 'constant-rate log-likelihood',
      unit: 'nats/event',
      description:
        'the same for a homogeneous Poisson model of each channel at the batch’s own mean rate (the baseline)',
    },
    sampledRatio: {
      label: 'model spikes / data spikes',
      description:
        'spikes the prediction layer sampled itself (the − updates) per data spike (the + updates)',
    },
  },
  inputs: ['events'],
  create: createSpikeEventLearner,
};
