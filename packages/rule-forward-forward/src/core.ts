import * as tf from '@tensorflow/tfjs-core';
import {
  PlasticityError,
  createRng,
  denseBatch,
  denseFeatureCount,
  softmaxCrossEntropy,
  paramName,
  columnSums,
  transposeTimes,
} from '@plasticity/core-tensors';
import type { Batch, BatchInput, TaskSpec } from '@plasticity/core-tensors';
import type { ForwardForwardConfig, PredictionKind } from './config.js';
import { goodness, layerObjective, normalizeRows } from './goodness.js';
import type { LayerObjective } from './goodness.js';
import {
  everyLabelPre,
  imageProduct,
  inputWidth,
  labelledKernelGrad,
  labelledPre,
  neutralPre,
} from './labels.js';
import type { LabelCoding } from './labels.js';
import { hardWrongLabels, hybridImages, randomWrongLabels } from './negatives.js';
import {
  READOUT_BIAS,
  READOUT_KERNEL,
  createLayerParams,
  createReadoutParams,
  propagate,
} from './network.js';
import type { Activities } from './network.js';

/** The gradients of one step: one map per layer (its own params only) and the readout's. */
export interface LocalGradients {
  readonly layers: Record<string, tf.Tensor>[];
  readonly readout: Record<string, tf.Tensor>;
}

/** What one step computes, before any optimiser acts: gradients, peer statistics, metrics. */
export interface StepTensors {
  readonly grads: LocalGradients;
  /** New running mean activity of every layer (peer normalisation). */
  readonly peer: tf.Tensor1D[];
  readonly metrics: Record<string, tf.Scalar>;
}

/** A config resolved against a task: sizes, thresholds, which layers feed the readout. */
export interface FfSpec {
  readonly features: number;
  readonly classes: number;
  readonly thresholds: readonly number[];
  readonly readoutFrom: number;
  readonly goodnessFrom: number;
  readonly imageShape?: readonly [number, number];
}

export function resolveSpec(config: ForwardForwardConfig, task: TaskSpec): FfSpec {
  const features = denseFeatureCount(task, 'forward-forward');
  if (task.kind !== 'classification') {
    throw new PlasticityError('E_CONFIG', `forward-forward is for classification tasks, got ${task.kind}`, {
      field: 'task.kind',
    });
  }
  const classes = task.outputs;
  if (!Number.isInteger(classes) || classes < 2) {
    throw new PlasticityError('E_CONFIG', `forward-forward needs ≥ 2 classes, got ${classes}`, {
      field: 'task.outputs',
    });
  }
  if (config.mode === 'supervised' && config.labelPlacement === 'overwrite' && features <= classes) {
    throw new PlasticityError(
      'E_CONFIG',
      `supervised forward-forward writes the label over the first ${classes} input features, but the input has only ${features} (use labelPlacement: 'append')`,
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
  if (config.mode === 'unsupervised' || config.shift > 0) {
    const shape = task.input.kind === 'dense' ? task.input.shape : [];
    const side = Math.round(Math.sqrt(features));
    imageShape =
      config.imageShape ??
      (shape.length >= 2 ? [shape[0], shape[1]] : side * side === features ? [side, side] : undefined);
    if (imageShape === undefined || imageShape[0] * imageShape[1] !== features) {
      throw new PlasticityError(
        'E_CONFIG',
        `${config.mode === 'unsupervised' ? 'unsupervised forward-forward blends images with spatial masks' : 'shift moves images'}; give imageShape [height, width] with height·width = ${features}` +
          (imageShape ? ` (got [${imageShape}])` : ''),
        { field: 'imageShape', features },
      );
    }
  }
  return { features, classes, thresholds, readoutFrom, goodnessFrom, imageShape };
}

/**
 * The Forward-Forward network and its step, without optimisers: the variables (layers, the
 * softmax readout, peer-normalisation statistics), the local gradients of a batch and both
 * inference modes. The learner and its worker threads each hold one.
 */
export interface FfNetwork {
  readonly spec: FfSpec;
  readonly layers: readonly Record<string, tf.Variable>[];
  readonly readout: Record<string, tf.Variable>;
  readonly peerMeans: readonly tf.Variable[];
  /** Every variable by name: the layers', the readout's, then `peer.layers.<l>`. */
  readonly variables: Readonly<Record<string, tf.Variable>>;
  /** Gradients, peer statistics and metrics of one batch (`seeds`: two draws for the negatives). */
  step(batch: Batch, seeds: readonly number[]): StepTensors;
  predictWith(x: BatchInput, mode: PredictionKind): tf.Tensor2D;
  dispose(): void;
}

export const peerName = (layer: number): string => `peer.layers.${layer}`;

/** Builds the network of a validated config; `seed` draws the initial weights. */
export function createFfNetwork(config: ForwardForwardConfig, task: TaskSpec, seed: number): FfNetwork {
  const spec = resolveSpec(config, task);
  const { features, classes } = spec;
  const coding: LabelCoding = {
    classes,
    features,
    placement: config.labelPlacement,
    strength: config.labelStrength,
    normalization: config.normalization,
  };
  const width = config.mode === 'supervised' ? inputWidth(coding) : features;
  const layers = createLayerParams([width, ...config.hidden], createRng(seed).fork('init'));
  const readoutWidth = config.hidden.slice(spec.readoutFrom).reduce((a, b) => a + b, 0);
  const readout = createReadoutParams(readoutWidth, classes);
  // Inside tidy: the filled tensor is freed, the variable (never tracked by tidy) kept.
  const peerMeans = config.hidden.map((width) => tf.tidy(() => tf.variable(tf.fill([width], 0.5), false)));

  const kernel = (l: number) => layers[l][paramName(l, 'kernel')] as tf.Tensor2D;
  const bias = (l: number) => layers[l][paramName(l, 'bias')] as tf.Tensor1D;

  const flatten = (x: BatchInput): tf.Tensor2D => denseBatch(x, features, 'forward-forward');

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
    squareSums: pass.squareSums.map((t) => tf.slice(t, [start], [size])),
  });

  /** Softmax cross-entropy of the readout, its gradients, and batch accuracy. */
  function readoutStep(inputs: tf.Tensor2D, logits: tf.Tensor2D, y: tf.Tensor1D) {
    const size = y.shape[0];
    const target = tf.oneHot(y, classes);
    const probs = tf.softmax(logits);
    const loss = softmaxCrossEntropy(logits, y);
    const dLogits = tf.div(tf.sub(probs, target), size) as tf.Tensor2D;
    const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32')) as tf.Scalar;
    return {
      loss,
      accuracy,
      grads: { [READOUT_KERNEL]: transposeTimes(inputs, dLogits), [READOUT_BIAS]: columnSums(dLogits) },
    };
  }

  /** Peer normalisation (Hinton's code): new running means and the extra ∂/∂z on positive passes. */
  function peerTerm(l: number, hPositive: tf.Tensor2D): { mean: tf.Tensor1D; term: tf.Tensor2D } {
    const m = config.peerMomentum;
    const mean = tf.add(
      tf.mul(peerMeans[l], m),
      tf.mul(columnSums(hPositive), (1 - m) / hPositive.shape[0]),
    ) as tf.Tensor1D;
    // Below-average units get pushed up, above-average ones down, gated by nothing: dead units revive.
    const scale = (2 * config.peerNormalization) / hPositive.shape[0];
    const term = tf.reshape(tf.mul(tf.sub(mean, tf.mean(mean)), scale), [1, -1]) as tf.Tensor2D;
    return { mean, term };
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
      const dBias = tf.add(columnSums(dPositive), columnSums(dNegative));
      const dKernel =
        l === 0
          ? firstKernelGrad(dPositive, dNegative)
          : tf.add(
              transposeTimes(positive.normalized[l - 1], dPositive),
              transposeTimes(negative.normalized[l - 1], dNegative),
            );
      return { [paramName(l, 'kernel')]: dKernel, [paramName(l, 'bias')]: dBias };
    });
    return { grads, peer };
  }

  const objectivesOf = (positive: Activities, negative: Activities): LayerObjective[] =>
    positive.activities.map((h, l) =>
      layerObjective(
        h,
        negative.activities[l],
        { goodness: config.goodness, threshold: spec.thresholds[l], temperature: config.temperature },
        { positive: positive.squareSums[l], negative: negative.squareSums[l] },
      ),
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

  function supervisedStep(batch: Batch, seeds: readonly number[]): StepTensors {
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

  function unsupervisedStep(batch: Batch, seeds: readonly number[]): StepTensors {
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
      transposeTimes(inputs, tf.concat([dPos, dNeg]) as tf.Tensor2D),
    );
    const features = readoutFeatures(positive);
    const read = readoutStep(features, readoutLogits(features), y);
    return {
      grads: { layers: grads, readout: read.grads },
      peer,
      metrics: { ...layerMetrics(objectives), accuracy: read.accuracy, readoutLoss: read.loss },
    };
  }

  function predictWith(x: BatchInput, mode: PredictionKind): tf.Tensor2D {
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
        pass.activities
          .slice(spec.goodnessFrom)
          .map((h, i) => goodness(h, config.goodness, pass.squareSums[spec.goodnessFrom + i])),
      );
      return tf.transpose(tf.reshape(total, [classes, inputs.shape[0]])) as tf.Tensor2D;
    });
  }

  const variables: Record<string, tf.Variable> = Object.assign({}, ...layers, readout);
  peerMeans.forEach((mean, l) => (variables[peerName(l)] = mean));

  return {
    spec,
    layers,
    readout,
    peerMeans,
    variables,
    step: (batch, seeds) =>
      tf.tidy(
        () =>
          (config.mode === 'supervised'
            ? supervisedStep(batch, seeds)
            : unsupervisedStep(batch, seeds)) as unknown as tf.TensorContainer,
      ) as unknown as StepTensors,
    predictWith,
    dispose: () => tf.dispose(Object.values(variables)),
  };
}
