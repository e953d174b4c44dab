import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError, softmaxCrossEntropy } from '@plasticity/core-tensors';
import { expectShape } from '../layers/checks.js';
import { VOLTAGE_READOUTS } from '../vocabulary.js';
import { expWeightedMeanVoltage, maxVoltage, spikeCount } from '../readouts.js';

/**
 * The loss vocabulary shared by the time-stepped rules. Spike losses read the output spikes:
 * `spike-count-ce` softmax cross-entropy of spike counts (snnTorch `ce_count_loss`),
 * `spike-rate-mse` counts against target rates (snnTorch `mse_count_loss`). Voltage losses read
 * the output layer's voltage (an LI readout's, or a spiking layer's membrane) and take the
 * softmax cross-entropy of its `max-voltage` over time, `mean-voltage`, or `exp-mean-voltage`
 * (`(1/D)∫e^(−t/D)V dt`, D the run's duration); `step-voltage` sums the cross-entropy of the
 * voltage at every step (snnTorch's tutorial loss on the output membrane), and predicts from
 * the mean voltage.
 */
export const LOSS_NAMES = ['spike-count-ce', 'spike-rate-mse', ...VOLTAGE_READOUTS, 'step-voltage'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

/** What a loss reads: the output layer's spikes and/or voltage `[T, B, classes]` (a `NetworkRun` is one). */
export interface ReadoutRecord {
  readonly spikes?: tf.Tensor;
  readonly v?: tf.Tensor;
  /** Time step in ms (needed by `exp-mean-voltage`). */
  readonly dt?: number;
}

export interface LossOptions {
  /** `spike-rate-mse`: target firing probability per step of the labelled class (default 1). */
  readonly correctRate?: number;
  /** `spike-rate-mse`: target firing probability per step of the other classes (default 0). */
  readonly incorrectRate?: number;
}

/** `(record, labels [B] int32) → scalar`, averaged over the batch. */
export type SpikingLoss = (record: ReadoutRecord, labels: tf.Tensor) => tf.Scalar;

function field(record: ReadoutRecord, key: 'spikes' | 'v', name: LossName): tf.Tensor3D {
  const t = record[key];
  if (!t) {
    const what = key === 'spikes' ? 'spikes (a spiking output layer)' : 'voltages v (an li output layer)';
    throw new PlasticityError('E_CONFIG', `loss '${name}' needs ${what}`, { field: 'loss', value: name });
  }
  expectShape(t, [-1, -1, -1], `loss '${name}' ${key}`);
  return t as tf.Tensor3D;
}

/**
 * Class scores `[B, classes]` a loss name reads from the record: spike counts for the spike
 * losses, the named voltage readout for the others. Argmax gives the prediction.
 */
export function readoutScores(name: LossName, record: ReadoutRecord): tf.Tensor2D {
  switch (name) {
    case 'spike-count-ce':
    case 'spike-rate-mse':
      return spikeCount(field(record, 'spikes', name));
    case 'max-voltage':
      return maxVoltage(field(record, 'v', name));
    case 'mean-voltage':
    case 'step-voltage':
      return tf.mean(field(record, 'v', name), 0);
    case 'exp-mean-voltage': {
      const v = field(record, 'v', name);
      if (record.dt === undefined) {
        throw new PlasticityError('E_CONFIG', `loss '${name}' needs the record's dt`, { field: 'dt' });
      }
      return expWeightedMeanVoltage(v, record.dt, v.shape[0] * record.dt);
    }
    default:
      throw new PlasticityError(
        'E_CONFIG',
        `loss must be one of ${LOSS_NAMES.join(', ')}, got ${String(name)}`,
        {
          field: 'loss',
          value: name,
        },
      );
  }
}

function checkLabels(batch: number, labels: tf.Tensor): void {
  if (labels.rank !== 1 || labels.shape[0] !== batch) {
    throw new PlasticityError(
      'E_SHAPE',
      `labels must be class indices [${batch}], got [${labels.shape.join(', ')}]`,
      { field: 'labels', actual: labels.shape },
    );
  }
}

/**
 * snnTorch's `mse_count_loss`: spike counts against `rate·T` (correct or incorrect rate), the
 * squared error averaged over batch and classes, divided by T.
 */
function rateMse(record: ReadoutRecord, labels: tf.Tensor, options: LossOptions): tf.Scalar {
  const correct = options.correctRate ?? 1;
  const incorrect = options.incorrectRate ?? 0;
  for (const [key, rate] of Object.entries({ correctRate: correct, incorrectRate: incorrect })) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new PlasticityError('E_CONFIG', `${key} must be in [0, 1], got ${rate}`, {
        field: key,
        value: rate,
      });
    }
  }
  const spikes = field(record, 'spikes', 'spike-rate-mse');
  const steps = spikes.shape[0];
  return tf.tidy(() => {
    const counts = spikeCount(spikes);
    checkLabels(counts.shape[0], labels);
    const onehot = tf.oneHot(tf.cast(labels, 'int32'), counts.shape[1]);
    const target = tf.mul(tf.add(tf.mul(onehot, correct - incorrect), incorrect), steps);
    return tf.div(tf.mean(tf.square(tf.sub(counts, target))), steps) as tf.Scalar;
  });
}

/** Σ over steps of the batch-mean softmax cross-entropy of the voltage `[T, B, classes]` at that step. */
function stepVoltageCe(record: ReadoutRecord, labels: tf.Tensor): tf.Scalar {
  const v = field(record, 'v', 'step-voltage');
  const [steps, batch, classes] = v.shape;
  return tf.tidy(() => {
    checkLabels(batch, labels);
    // Row t·B + b of the folded voltages belongs to sample b: the labels repeated once per step.
    const repeated = tf.tile(tf.cast(labels, 'int32'), [steps]);
    return tf.mul(softmaxCrossEntropy(tf.reshape(v, [steps * batch, classes]), repeated), steps) as tf.Scalar;
  });
}

/** The loss called `name` (see `LOSS_NAMES`). */
export function lossByName(name: LossName, options: LossOptions = {}): SpikingLoss {
  if (!(LOSS_NAMES as readonly string[]).includes(name)) {
    throw new PlasticityError(
      'E_CONFIG',
      `loss must be one of ${LOSS_NAMES.join(', ')}, got ${String(name)}`,
      {
        field: 'loss',
        value: name,
      },
    );
  }
  if (name === 'spike-rate-mse') return (record, labels) => rateMse(record, labels, options);
  if (name === 'step-voltage') return stepVoltageCe;
  return (record, labels) =>
    tf.tidy(() => {
      const scores = readoutScores(name, record);
      checkLabels(scores.shape[0], labels);
      return softmaxCrossEntropy(scores, labels);
    });
}
