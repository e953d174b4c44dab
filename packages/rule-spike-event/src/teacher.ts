import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError, createGradientStep, createRng } from '@plasticity/core-tensors';
import type { GradientOptimizerName, Rng } from '@plasticity/core-tensors';
import type { IntensityName } from './intensity.js';
import { inverseIntensity } from './intensity.js';
import { samplePoisson } from './poisson.js';
import { expectedCounts, layerDrive, poissonLogLikelihood, spikeEventUpdate } from './point-process.js';
import { presynapticTraces } from './traces.js';

/**
 * A check where the answer is known: a teacher layer of point-process units with random weights
 * generates spikes from Poisson input spike trains; a student of the same form, trained only by
 * the spike-event updates on those spikes, should recover the teacher's weights.
 */
export interface TeacherStudentOptions {
  /** Input spike trains (default 20), Poisson at `inputRate` Hz (default 20). */
  readonly inputs?: number;
  readonly inputRate?: number;
  /** Output units (default 5); the teacher's biases give each `baseRate` Hz at zero input (default 20). */
  readonly units?: number;
  readonly baseRate?: number;
  /** Teacher weights are N(0, weightScale²) (default 1). */
  readonly weightScale?: number;
  readonly intensity?: IntensityName;
  /** Bin (default 1 ms), trace time constant (default 10 ms), trial length (default 200 ms). */
  readonly dt?: number;
  readonly tau?: number;
  readonly trial?: number;
  /** Trials per update (default 5), simulated seconds of training (default 400) and of held-out data (default 40). */
  readonly batch?: number;
  readonly trainSeconds?: number;
  readonly testSeconds?: number;
  readonly optimizer?: GradientOptimizerName;
  /** Step size on the update per second of data (default 0.1, Adam), annealed linearly to a tenth of it. */
  readonly learningRate?: number;
  readonly seed?: number;
}

export interface TeacherStudentResult {
  /** Pearson correlation of the student's weights with the teacher's. */
  readonly correlation: number;
  /** Held-out log-likelihood, nats per second per unit, up to the data's constant `−Σ ln n!`. */
  readonly logLikelihood: { readonly teacher: number; readonly student: number; readonly initial: number };
  /** Data spikes the student learned from, and spikes it sampled itself. */
  readonly spikes: { readonly data: number; readonly model: number };
}

export const TEACHER_STUDENT_DEFAULTS: Required<TeacherStudentOptions> = {
  inputs: 20,
  inputRate: 20,
  units: 5,
  baseRate: 20,
  weightScale: 1,
  intensity: 'exp',
  dt: 1,
  tau: 10,
  trial: 200,
  batch: 5,
  trainSeconds: 400,
  testSeconds: 40,
  optimizer: 'adam',
  learningRate: 0.1,
  seed: 0,
};

interface Trials {
  /** Input traces and the teacher's spike counts, rows = bins of all trials. */
  readonly traces: tf.Tensor2D;
  readonly spikes: tf.Tensor2D;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let [ma, mb] = [0, 0];
  for (let i = 0; i < n; i++) [ma, mb] = [ma + a[i] / n, mb + b[i] / n];
  let [ab, aa, bb] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

function checkOptions(options: Required<TeacherStudentOptions>): void {
  for (const [field, value] of Object.entries(options)) {
    if (typeof value === 'number' && !(Number.isFinite(value) && (value > 0 || field === 'seed'))) {
      throw new PlasticityError(
        'E_CONFIG',
        `teacher-student: ${field} must be a finite number > 0, got ${value}`,
        {
          field,
        },
      );
    }
  }
}

/** Runs the teacher–student check (see {@link TeacherStudentOptions}); deterministic for a seed. */
export async function teacherStudent(options: TeacherStudentOptions = {}): Promise<TeacherStudentResult> {
  const o = { ...TEACHER_STUDENT_DEFAULTS, ...options };
  checkOptions(o);
  const rng = createRng(o.seed);
  const steps = Math.round(o.trial / o.dt);
  const initialBias = inverseIntensity(o.intensity, o.baseRate / 1000);
  const teacherKernel = tf.tensor2d(rng.fork('teacher').normalArray(o.inputs * o.units, 0, o.weightScale), [
    o.inputs,
    o.units,
  ]);
  const teacherBias = tf.fill([o.units], initialBias) as tf.Tensor1D;
  const kernel = tf.tidy(() => tf.variable(tf.zeros<tf.Rank.R2>([o.inputs, o.units]), true));
  const bias = tf.tidy(() => tf.variable(tf.fill<tf.Rank.R1>([o.units], initialBias), true));
  const step = createGradientStep({ kernel, bias }, { optimizer: o.optimizer, learningRate: o.learningRate });

  /** `count` trials: Poisson inputs, their traces, and the teacher's spikes. */
  const trials = async (count: number, trialRng: Rng): Promise<Trials> => {
    const inputMean = new Float32Array(steps * count * o.inputs).fill((o.inputRate * o.dt) / 1000);
    const counts = tf.tensor3d(samplePoisson(inputMean, trialRng), [steps, count, o.inputs]);
    const traces = tf.tidy(
      () => tf.reshape(presynapticTraces(counts, o.dt, o.tau), [-1, o.inputs]) as tf.Tensor2D,
    );
    counts.dispose();
    const mean = tf.tidy(() =>
      expectedCounts(o.intensity, layerDrive(traces, teacherKernel, teacherBias), o.dt),
    );
    const spikes = tf.tensor2d(samplePoisson((await mean.data()) as Float32Array, trialRng), mean.shape);
    mean.dispose();
    return { traces, spikes };
  };
  const logLikelihood = async (data: Trials, w: tf.Tensor2D, b: tf.Tensor1D): Promise<number> => {
    const value = tf.tidy(() =>
      poissonLogLikelihood(expectedCounts(o.intensity, layerDrive(data.traces, w, b), o.dt), data.spikes),
    );
    const total = (await value.data())[0];
    value.dispose();
    return total / o.testSeconds / o.units;
  };

  const held = await trials(Math.round((o.testSeconds * 1000) / o.trial), rng.fork('test'));
  const initial = await logLikelihood(held, kernel, bias);
  const secondsPerBatch = (o.batch * o.trial) / 1000;
  const batches = Math.round(o.trainSeconds / secondsPerBatch);
  const spikes = { data: 0, model: 0 };
  const sampler = rng.fork('model');
  for (let k = 0; k < batches; k++) {
    // Annealed to a tenth over the run, so that the noise of the sampled updates averages out.
    step.learningRate = o.learningRate * (1 - (0.9 * k) / batches);
    const data = await trials(o.batch, rng.fork('train').fork(k));
    const mean = tf.tidy(() => expectedCounts(o.intensity, layerDrive(data.traces, kernel, bias), o.dt));
    const model = tf.tensor2d(samplePoisson((await mean.data()) as Float32Array, sampler), mean.shape);
    const counts = tf.tidy(() => tf.stack([tf.sum(data.spikes), tf.sum(model)]));
    const [dataCount, modelCount] = await counts.data();
    spikes.data += dataCount;
    spikes.model += modelCount;
    const update = tf.tidy(() => {
      const drive = layerDrive(data.traces, kernel, bias);
      const up = spikeEventUpdate(o.intensity, data.traces, drive, data.spikes, model);
      // The optimiser descends: hand it minus the update, per second of data.
      return { kernel: tf.mul(up.kernel, -1 / secondsPerBatch), bias: tf.mul(up.bias, -1 / secondsPerBatch) };
    });
    step.apply(update);
    tf.dispose([data.traces, data.spikes, mean, model, counts, update.kernel, update.bias]);
  }
  const result: TeacherStudentResult = {
    correlation: pearson(await kernel.data(), await teacherKernel.data()),
    logLikelihood: {
      teacher: await logLikelihood(held, teacherKernel, teacherBias),
      student: await logLikelihood(held, kernel, bias),
      initial,
    },
    spikes,
  };
  tf.dispose([held.traces, held.spikes, teacherKernel, teacherBias]);
  step.dispose();
  return result;
}
