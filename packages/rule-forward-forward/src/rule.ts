import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError, createRng, isEventBatch } from '@plasticity/core-tensors';
import type { Batch, BatchInput, Learner, RulePlugin, StepMetrics, TaskSpec } from '@plasticity/core-tensors';
import { forwardForwardConfigSchema } from './config.js';
import type { ForwardForwardConfig, PredictionKind } from './config.js';
import { goodness, layerObjective, normalizeRows } from './goodness.js';
import type { LayerObjective } from './goodness.js';
import { everyLabelPre, imageProduct, labelledKernelGrad, labelledPre, neutralPre } from './labels.js';
import type { LabelCoding } from './labels.js';
import { createLocalOptimizer } from './local-optimizer.js';
import type { LocalOptimizer } from './local-optimizer.js';
import { hardWrongLabels, hybridImages, randomWrongLabels } from './negatives.js';
import {
  READOUT_BIAS,
  READOUT_KERNEL,
  biasName,
  createLayerParams,
  createReadoutParams,
  kernelName,
  outerSum,
  propagate,
} from './network.js';
import type { Activities } from './network.js';
import { forwardForwardRecipes } from './recipes.js';

/** The gradients of one step: one map per layer (its own params only) and the readout's. */
export interface LocalGradients {
  readonly layers: Record<string, tf.Tensor>[];
  readonly readout: Record<string, tf.Tensor>;
}

export interface ForwardForwardLearner extends Learner {
  /** Class scores with a chosen inference mode (`predict` uses the config's). */
  predictWith(x: BatchInput, mode: PredictionKind): tf.Tensor2D;
  /** The local gradients a step would apply, without applying them (the caller disposes them). */
  gradients(batch: Batch): LocalGradients;
  /** Optimiser steps taken so far. */
  readonly iterations: number;
}

interface Resolved {
  readonly features: number;
  readonly classes: number;
  readonly thresholds: readonly number[];
  readonly readoutFrom: number;
  readonly goodnessFrom: number;
  readonly imageShape?: readonly [number, number];
}

function resolve(config: ForwardForwardConfig, task: TaskSpec): Resolved {
  if (task.input.kind !== 'dense') {
    throw new PlasticityError(
      'E_CONFIG',
      `forward-forward trains on dense features; this task has ${task.input.kind} input`,
      { field: 'task.input.kind', value: task.input.kind },
    );
  }
  if (task.kind !== 'classification') {
    throw new PlasticityError('E_CONFIG', `forward-forward is for classification tasks, got ${task.kind}`, {
      field: 'task.kind',
    });
  }
  const features = task.input.shape.reduce((a, b) => a * b, 1);
  const classes = task.outputs;
  if (!Number.isInteger(classes) || classes < 2) {
    throw new PlasticityError('E_CONFIG', `forward-forward needs ≥ 2 classes, got ${classes}`, {
      field: 'task.outputs',
    });
  }
  if (config.mode === 'supervised' && features <= classes) {
    throw new PlasticityError(
      'E_CONFIG',
      `supervised forward-forward writes the label into the first ${classes} input features, but the input has only ${features}`,
      { field: 'task.input.shape', features, classes },
    );
  }
  const layers = config.hidden.length;
  const defaultFrom = layers >= 2 ? 1 : 0;
  const readoutFrom = config.readoutFrom ?? defaultFrom;
  const goodnessFrom = config.goodnessFrom ?? defaultFrom;
  for (const [field, value] of [
    ['readoutFrom', readoutFrom],
    ['goodnessFrom', goodnessFrom],
  ] as const) {
    if (value >= layers) {
      throw new PlasticityError(
        'E_CONFIG',
        `${field} is ${value}, but there are only ${layers} layers (0-based)`,
        {
          field,
          value,
        },
      );
    }
  }
  if (config.layerLearningRates && config.layerLearningRates.length !== layers) {
    throw new PlasticityError(
      'E_CONFIG',
      `layerLearningRates has ${config.layerLearningRates.length} entries for ${layers} layers`,
      { field: 'layerLearningRates' },
    );
  }
  const thresholds = config.hidden.map(
    (width) => config.threshold ?? (config.goodness === 'sum' ? width : 1),
  );
  let imageShape: readonly [number, number] | undefined;
  if (config.mode === 'unsupervised') {
    const shape = task.input.shape;
    const side = Math.round(Math.sqrt(features));
    imageShape =
      config.imageShape ??
      (shape.length >= 2 ? [shape[0], shape[1]] : side * side === features ? [side, side] : undefined);
    if (imageShape === undefined || imageShape[0] * imageShape[1] !== features) {
      throw new PlasticityError(
        'E_CONFIG',
        `unsupervised forward-forward blends images with spatial masks; give imageShape [height, width] with height·width = ${features}` +
          (imageShape ? ` (got [${imageShape}])` : ''),
        { field: 'imageShape', features },
      );
    }
  }
  return { features, classes, thresholds, readoutFrom, goodnessFrom, imageShape };
}

/** Builds the learner for a validated config (what `forwardForwardRule.create` does). */
export function createForwardForwardLearner(
  config: ForwardForwardConfig,
  task: TaskSpec,
  seed: number,
): ForwardForwardLearner {
  const spec = resolve(config, task);
  const { features, classes } = spec;
  const rng = createRng(seed);
  const stepRng = rng.fork('steps');
  const layers = createLayerParams([features, ...config.hidden], rng.fork('init'));
  const readoutWidth = config.hidden.slice(spec.readoutFrom).reduce((a, b) => a + b, 0);
  const readout = createReadoutParams(readoutWidth, classes);
  const peerMeans = config.hidden.map((width) => tf.variable(tf.fill([width], 0.5), false));
  const coding: LabelCoding = {
    classes,
    features,
    strength: config.labelStrength,
    normalization: config.normalization,
  };
  const optimizerOptions = {
    beta1: config.beta1,
    beta2: config.beta2,
    epsilon: config.epsilon,
    momentum: config.momentum,
  };
  const multipliers = config.layerLearningRates ?? config.hidden.map(() => 1);
  const layerOptimizers: LocalOptimizer[] = layers.map((params, l) =>
    createLocalOptimizer(params, {
      optimizer: config.optimizer,
      learningRate: config.learningRate * multipliers[l],
      optimizerOptions,
      weightDecay: config.weightDecay,
      decayed: [kernelName(l)],
    }),
  );
  const readoutOptimizer = createLocalOptimizer(readout, {
    optimizer: config.optimizer,
    learningRate: config.readoutLearningRate,
    optimizerOptions,
    weightDecay: config.readoutWeightDecay,
    decayed: [READOUT_KERNEL],
  });
  const optimizers = [...layerOptimizers, readoutOptimizer];
  let learningRate = config.learningRate;
  let disposed = false;

  const kernel = (l: number) => layers[l][kernelName(l)] as tf.Tensor2D;
  const bias = (l: number) => layers[l][biasName(l)] as tf.Tensor1D;
  const assertLive = () => {
    if (disposed) throw new PlasticityError('E_USAGE', 'this learner has been disposed');
  };

  const flatten = (x: BatchInput): tf.Tensor2D => {
    if (isEventBatch(x)) {
      throw new PlasticityError(
        'E_SHAPE',
        `forward-forward expects dense features [B, ${features}], got an event batch`,
        {
          expected: features,
        },
      );
    }
    const batch = x.shape[0] ?? 0;
    if (x.rank < 1 || x.size !== batch * features) {
      throw new PlasticityError(
        'E_SHAPE',
        `forward-forward expects inputs of ${features} features per sample, got shape [${x.shape}]`,
        { expected: features, shape: x.shape },
      );
    }
    const flat = x.rank === 2 ? x : tf.reshape(x, [batch, features]);
    return (flat.dtype === 'float32' ? flat : tf.cast(flat, 'float32')) as tf.Tensor2D;
  };

  const labelsOf = (batch: Batch): tf.Tensor1D => {
    if (batch.y.rank !== 1 || batch.y.shape[0] !== batch.size) {
      throw new PlasticityError(
        'E_SHAPE',
        `forward-forward needs class labels [${batch.size}], got shape [${batch.y.shape}]`,
        {
          shape: batch.y.shape,
        },
      );
    }
    return tf.cast(batch.y, 'int32') as tf.Tensor1D;
  };

  /** Normalised activities of the readout's layers, side by side. */
  const readoutFeatures = (pass: Activities): tf.Tensor2D =>
    tf.concat(pass.normalized.slice(spec.readoutFrom), 1) as tf.Tensor2D;
  const readoutLogits = (inputs: tf.Tensor2D): tf.Tensor2D =>
    tf.add(tf.matMul(inputs, readout[READOUT_KERNEL] as tf.Tensor2D), readout[READOUT_BIAS]) as tf.Tensor2D;

  const sliceRows = (t: tf.Tensor2D, start: number, size: number) => tf.slice(t, [start, 0], [size, -1]);
  const split = (pass: Activities, start: number, size: number): Activities => ({
    activities: pass.activities.map((t) => sliceRows(t, start, size)),
    normalized: pass.normalized.map((t) => sliceRows(t, start, size)),
  });

  /** Softmax cross-entropy of the readout, its gradients, and batch accuracy. */
  function readoutStep(inputs: tf.Tensor2D, logits: tf.Tensor2D, y: tf.Tensor1D) {
    const size = y.shape[0];
    const target = tf.oneHot(y, classes);
    const probs = tf.softmax(logits);
    const loss = tf.neg(tf.div(tf.sum(tf.mul(target, tf.logSoftmax(logits))), size)) as tf.Scalar;
    const dLogits = tf.div(tf.sub(probs, target), size) as tf.Tensor2D;
    const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32')) as tf.Scalar;
    return {
      loss,
      accuracy,
      grads: { [READOUT_KERNEL]: outerSum(inputs, dLogits), [READOUT_BIAS]: tf.sum(dLogits, 0) },
    };
  }

  /** Peer normalisation (Hinton's code): new running means and the extra ∂/∂z on positive passes. */
  function peerTerm(l: number, hPositive: tf.Tensor2D): { mean: tf.Tensor1D; term: tf.Tensor2D } {
    const m = config.peerMomentum;
    const mean = tf.add(tf.mul(peerMeans[l], m), tf.mul(tf.mean(hPositive, 0), 1 - m)) as tf.Tensor1D;
    // Below-average units get pushed up, above-average ones down, gated by nothing: dead units revive.
    const scale = (2 * config.peerNormalization) / hPositive.shape[0];
    const term = tf.reshape(tf.mul(tf.sub(mean, tf.mean(mean)), scale), [1, -1]) as tf.Tensor2D;
    return { mean, term };
  }

  interface StepTensors {
    grads: LocalGradients;
    peer: tf.Tensor1D[];
    metrics: Record<string, tf.Scalar>;
  }

  function layerGradients(
    objectives: LayerObjective[],
    positive: Activities,
    negative: Activities,
    firstKernelGrad: (dPositive: tf.Tensor2D, dNegative: tf.Tensor2D) => tf.Tensor2D,
  ): { grads: Record<string, tf.Tensor>[]; peer: tf.Tensor1D[] } {
    const peer: tf.Tensor1D[] = [];
    const grads = objectives.map((objective, l) => {
      let dPositive = objective.dPositive;
      if (config.peerNormalization > 0) {
        const { mean, term } = peerTerm(l, positive.activities[l]);
        peer.push(mean);
        dPositive = tf.add(dPositive, term);
      } else {
        peer.push(peerMeans[l].clone() as tf.Tensor1D);
      }
      const dNegative = objective.dNegative;
      const dBias = tf.add(tf.sum(dPositive, 0), tf.sum(dNegative, 0));
      const dKernel =
        l === 0
          ? firstKernelGrad(dPositive, dNegative)
          : tf.add(
              outerSum(positive.normalized[l - 1], dPositive),
              outerSum(negative.normalized[l - 1], dNegative),
            );
      return { [kernelName(l)]: dKernel, [biasName(l)]: dBias };
    });
    return { grads, peer };
  }

  const objectivesOf = (positive: Activities, negative: Activities): LayerObjective[] =>
    positive.activities.map((h, l) =>
      layerObjective(h, negative.activities[l], {
        goodness: config.goodness,
        threshold: spec.thresholds[l],
        temperature: config.temperature,
      }),
    );

  function layerMetrics(objectives: LayerObjective[]): Record<string, tf.Scalar> {
    const metrics: Record<string, tf.Scalar> = {
      loss: tf.addN(objectives.map((o) => o.loss)) as tf.Scalar,
    };
    objectives.forEach((o, l) => {
      metrics[`goodnessPositive${l + 1}`] = tf.mean(o.goodnessPositive) as tf.Scalar;
      metrics[`goodnessNegative${l + 1}`] = tf.mean(o.goodnessNegative) as tf.Scalar;
    });
    return metrics;
  }

  function supervisedStep(batch: Batch, seeds: number[]): StepTensors {
    const x = flatten(batch.x);
    const y = labelsOf(batch);
    const size = batch.size;
    const image = imageProduct(x, kernel(0), coding);
    // Positive and neutral passes together (the neutral one trains the readout and picks hard negatives).
    const first = tf.concat([
      labelledPre(image, kernel(0), bias(0), y, coding),
      neutralPre(image, kernel(0), bias(0), coding),
    ]) as tf.Tensor2D;
    const both = propagate(first, layers, config.normalization);
    const positive = split(both, 0, size);
    const neutral = split(both, size, size);
    const inputs = readoutFeatures(neutral);
    const logits = readoutLogits(inputs);
    const read = readoutStep(inputs, logits, y);
    const yNegative =
      config.negatives === 'hard'
        ? hardWrongLabels(logits, y, classes, seeds[0])
        : randomWrongLabels(y, classes, seeds[0]);
    const negative = propagate(
      labelledPre(image, kernel(0), bias(0), yNegative, coding),
      layers,
      config.normalization,
    );
    const objectives = objectivesOf(positive, negative);
    const { grads, peer } = layerGradients(objectives, positive, negative, (dPos, dNeg) =>
      labelledKernelGrad(image, dPos, dNeg, y, yNegative, coding),
    );
    return {
      grads: { layers: grads, readout: read.grads },
      peer,
      metrics: { ...layerMetrics(objectives), accuracy: read.accuracy, readoutLoss: read.loss },
    };
  }

  function unsupervisedStep(batch: Batch, seeds: number[]): StepTensors {
    const x = flatten(batch.x);
    const y = labelsOf(batch);
    const size = batch.size;
    const partnerRng = createRng(seeds[1]);
    const shift = size > 1 ? 1 + partnerRng.int(size - 1) : 0;
    const partner = tf.tensor1d(
      Int32Array.from({ length: size }, (_, i) => (i + shift) % size),
      'int32',
    );
    const hybrid = hybridImages(x, partner, spec.imageShape as [number, number], config.maskBlurs, seeds[0]);
    const inputs = tf.concat([
      normalizeRows(x, config.normalization),
      normalizeRows(hybrid, config.normalization),
    ]) as tf.Tensor2D;
    const both = propagate(tf.add(tf.matMul(inputs, kernel(0)), bias(0)), layers, config.normalization);
    const positive = split(both, 0, size);
    const negative = split(both, size, size);
    const objectives = objectivesOf(positive, negative);
    const { grads, peer } = layerGradients(objectives, positive, negative, (dPos, dNeg) =>
      outerSum(inputs, tf.concat([dPos, dNeg]) as tf.Tensor2D),
    );
    const features = readoutFeatures(positive);
    const read = readoutStep(features, readoutLogits(features), y);
    return {
      grads: { layers: grads, readout: read.grads },
      peer,
      metrics: { ...layerMetrics(objectives), accuracy: read.accuracy, readoutLoss: read.loss },
    };
  }

  const stepSeeds = (): number[] => {
    const r = stepRng.fork(layerOptimizers[0].inner.iterations);
    return [r.int(2 ** 31 - 1), r.int(2 ** 31 - 1)];
  };
  const computeStep = (batch: Batch): StepTensors =>
    tf.tidy(
      () =>
        (config.mode === 'supervised'
          ? supervisedStep(batch, stepSeeds())
          : unsupervisedStep(batch, stepSeeds())) as unknown as tf.TensorContainer,
    ) as unknown as StepTensors;

  async function trainStep(batch: Batch): Promise<StepMetrics> {
    assertLive();
    const step = computeStep(batch);
    try {
      const names = Object.keys(step.metrics);
      const packed = tf.tidy(() => tf.stack(names.map((n) => step.metrics[n])));
      const values = await packed.data();
      packed.dispose();
      const metrics: Record<string, number> = {};
      names.forEach((name, i) => (metrics[name] = values[i]));
      if (!Number.isFinite(metrics.loss)) {
        throw new PlasticityError(
          'E_DIVERGED',
          `forward-forward: the layer loss is ${metrics.loss} (goodness overflowed; lower the learning rate)`,
          { loss: metrics.loss },
        );
      }
      await Promise.all([
        ...layerOptimizers.map((opt, l) => opt.step(step.grads.layers[l], batch)),
        readoutOptimizer.step(step.grads.readout, batch),
      ]);
      step.peer.forEach((mean, l) => peerMeans[l].assign(mean));
      return metrics as StepMetrics;
    } finally {
      tf.dispose(step as unknown as tf.TensorContainer);
    }
  }

  function predictWith(x: BatchInput, mode: PredictionKind): tf.Tensor2D {
    assertLive();
    return tf.tidy(() => {
      const inputs = flatten(x);
      if (config.mode === 'unsupervised') {
        const first = tf.add(tf.matMul(normalizeRows(inputs, config.normalization), kernel(0)), bias(0));
        return readoutLogits(readoutFeatures(propagate(first as tf.Tensor2D, layers, config.normalization)));
      }
      const image = imageProduct(inputs, kernel(0), coding);
      if (mode === 'softmax') {
        const pass = propagate(neutralPre(image, kernel(0), bias(0), coding), layers, config.normalization);
        return readoutLogits(readoutFeatures(pass));
      }
      const pass = propagate(everyLabelPre(image, kernel(0), bias(0), coding), layers, config.normalization);
      const total = tf.addN(
        pass.activities.slice(spec.goodnessFrom).map((h) => goodness(h, config.goodness)),
      );
      return tf.transpose(tf.reshape(total, [classes, inputs.shape[0]])) as tf.Tensor2D;
    });
  }

  const OPTIMIZER_PREFIX = (i: number) =>
    i < layers.length ? `optimizer.layers.${i}/` : 'optimizer.readout/';
  const PEER_KEY = (l: number) => `peer.layers.${l}`;

  return {
    params: Object.assign({}, ...layers, readout) as Record<string, tf.Variable>,
    get iterations() {
      return layerOptimizers[0].inner.iterations;
    },
    get learningRate() {
      return learningRate;
    },
    set learningRate(value: number) {
      const factor = value / config.learningRate;
      layerOptimizers.forEach((opt, l) => (opt.learningRate = config.learningRate * multipliers[l] * factor));
      readoutOptimizer.learningRate = config.readoutLearningRate * factor;
      learningRate = value;
    },
    trainStep,
    predict: (x) => predictWith(x, config.predict),
    predictWith,
    gradients(batch) {
      assertLive();
      const step = computeStep(batch);
      tf.dispose([...step.peer, ...Object.values(step.metrics)]);
      return step.grads;
    },
    async saveState() {
      assertLive();
      const state: Record<string, tf.Tensor> = {};
      for (const [i, opt] of optimizers.entries()) {
        const inner = await opt.inner.saveState!();
        for (const [key, value] of Object.entries(inner)) state[OPTIMIZER_PREFIX(i) + key] = value;
      }
      peerMeans.forEach((mean, l) => (state[PEER_KEY(l)] = mean.clone()));
      return state;
    },
    async loadState(state) {
      assertLive();
      const known = new Set<string>();
      for (const [i, opt] of optimizers.entries()) {
        const prefix = OPTIMIZER_PREFIX(i);
        const part: Record<string, tf.Tensor> = {};
        for (const [key, value] of Object.entries(state)) {
          if (key.startsWith(prefix)) {
            part[key.slice(prefix.length)] = value;
            known.add(key);
          }
        }
        await opt.inner.loadState!(part);
      }
      peerMeans.forEach((mean, l) => {
        const saved = state[PEER_KEY(l)];
        if (!saved || !tf.util.arraysEqual(saved.shape, mean.shape)) {
          throw new PlasticityError(
            'E_CHECKPOINT',
            `optimizer state lacks "${PEER_KEY(l)}" of shape [${mean.shape}]`,
          );
        }
        known.add(PEER_KEY(l));
        tf.tidy(() => mean.assign(tf.cast(saved, 'float32')));
      });
      const unknown = Object.keys(state).filter((key) => !known.has(key));
      if (unknown.length > 0) {
        throw new PlasticityError(
          'E_CHECKPOINT',
          `forward-forward state has unexpected entries: ${unknown.join(', ')}`,
        );
      }
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      optimizers.forEach((opt) => opt.dispose());
      peerMeans.forEach((mean) => mean.dispose());
    },
  };
}

/** Forward-Forward: every layer learns alone to tell positive from negative data. */
export const forwardForwardRule: RulePlugin<ForwardForwardConfig> = {
  name: 'forward-forward',
  summary:
    'Forward-Forward (Hinton 2022): layer-local goodness objectives on positive and negative passes, supervised (label in the input) or unsupervised (hybrid-image negatives).',
  configSchema: forwardForwardConfigSchema,
  recipes: forwardForwardRecipes,
  create: createForwardForwardLearner,
};
