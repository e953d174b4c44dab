import * as tf from '@tensorflow/tfjs-core';
import type { Learner, ParamMap, StepMetrics } from '../contract/learner.js';
import type { Batch, BatchInput } from '../contract/task.js';
import { PlasticityError } from '../errors/plasticity-error.js';

/** The tfjs-core optimisers a gradient learner can drive. */
export type GradientOptimizerName = 'adam' | 'sgd' | 'momentum';

/** Optimiser hyper-parameters beyond the learning rate; unset fields take the listed defaults. */
export interface GradientOptimizerOptions {
  /** Adam first-moment decay (default 0.9). */
  readonly beta1?: number;
  /** Adam second-moment decay (default 0.999). */
  readonly beta2?: number;
  /** Adam denominator epsilon (default 1e-7 on every backend, unlike tfjs' backend-dependent default). */
  readonly epsilon?: number;
  /** Momentum coefficient (default 0.9). */
  readonly momentum?: number;
  /** Nesterov momentum (default false). */
  readonly nesterov?: boolean;
}

/** What a loss function returns: the scalar to minimise, optionally with the batch's class scores. */
export type LossOutput = tf.Scalar | { readonly loss: tf.Scalar; readonly scores?: tf.Tensor };

export interface GradientLearnerOptions {
  /** Trainable variables; the learner takes ownership and disposes them in `dispose()`. */
  readonly params: ParamMap;
  /** Differentiable loss of one batch; returning `scores` too enables batch metrics at no extra cost. */
  loss(batch: Batch): LossOutput;
  /** Class scores for inputs `x` (the caller disposes the result). */
  predict(x: BatchInput): tf.Tensor | Promise<tf.Tensor>;
  readonly optimizer: GradientOptimizerName;
  readonly learningRate: number;
  readonly optimizerOptions?: GradientOptimizerOptions;
  /**
   * Batch metrics from the scores `loss` returned (scalars; disposed by the learner).
   * Default: `accuracy` when `y` holds class labels `[B]` and scores are `[B, classes]`.
   */
  metrics?(batch: Batch, scores: tf.Tensor): Record<string, tf.Scalar>;
  /**
   * Decoupled weight decay (AdamW style): each step also subtracts `lr·rate·p` (p before the
   * step) from the named params (default: all). With SGD this is exactly an L2 penalty `rate/2·‖p‖²`.
   */
  readonly weightDecay?: { readonly rate: number; readonly params?: readonly string[] };
}

/** A `Learner` plus access to the optimiser it drives (for tests and tools). */
export interface GradientLearner extends Learner {
  readonly optimizerName: GradientOptimizerName;
  /** Optimiser steps taken so far (restored by `loadState`). */
  readonly iterations: number;
}

const SLOTS: Readonly<Record<GradientOptimizerName, readonly string[]>> = {
  sgd: [],
  momentum: ['momentum'],
  adam: ['m', 'v'],
};

const ITERATIONS_KEY = 'iterations';

// Adam's running powers beta^t (private in tfjs 4.22). setWeights recomputes them with `pow`,
// which differs in the last float32 bit from the running product, so resume would drift; we
// save and restore them as they are.
const ADAM_POWERS = ['beta1Power', 'beta2Power'] as const;
interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}
const adamPower = (optimizer: tf.Optimizer, key: (typeof ADAM_POWERS)[number]): tf.Variable => {
  const internals = optimizer as unknown as AdamInternals;
  return key === 'beta1Power' ? internals.accBeta1 : internals.accBeta2;
};

function checkRate(value: number, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new PlasticityError('E_CONFIG', `${field} must be a finite number ≥ 0, got ${String(value)}`, {
      field,
      value,
    });
  }
  return value;
}

function makeOptimizer(
  name: GradientOptimizerName,
  learningRate: number,
  options: GradientOptimizerOptions,
): tf.Optimizer {
  switch (name) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return tf.train.momentum(learningRate, options.momentum ?? 0.9, options.nesterov ?? false);
    case 'adam':
      return tf.train.adam(
        learningRate,
        options.beta1 ?? 0.9,
        options.beta2 ?? 0.999,
        options.epsilon ?? 1e-7,
      );
    default:
      throw new PlasticityError(
        'E_CONFIG',
        `optimizer must be one of ${Object.keys(SLOTS).join(', ')}, got ${String(name)}`,
        { field: 'optimizer', value: name },
      );
  }
}

// tfjs' Optimizer overrides `instanceof` with duck typing (every optimiser passes every check),
// so these helpers dispatch on the name we built it from.
function setOptimizerLearningRate(name: GradientOptimizerName, optimizer: tf.Optimizer, lr: number): void {
  if (name === 'adam') {
    // AdamOptimizer reads its plain `learningRate` field on every step and has no setter.
    (optimizer as unknown as { learningRate: number }).learningRate = lr;
  } else {
    // MomentumOptimizer inherits this: both read the scalar that setLearningRate replaces.
    (optimizer as tf.SGDOptimizer).setLearningRate(lr);
  }
}

function disposeOptimizer(name: GradientOptimizerName, optimizer: tf.Optimizer): void {
  optimizer.dispose();
  // MomentumOptimizer.dispose (tfjs 4.22) forgets the learning-rate scalar its SGD base keeps.
  if (name === 'momentum') tf.SGDOptimizer.prototype.dispose.call(optimizer);
}

function defaultMetrics(batch: Batch, scores: tf.Tensor): Record<string, tf.Scalar> {
  if (scores.rank !== 2 || batch.y.rank !== 1 || scores.shape[0] !== batch.y.shape[0]) return {};
  const hits = tf.equal(tf.argMax(scores, 1), tf.cast(batch.y, 'int32'));
  return { accuracy: tf.mean(tf.cast(hits, 'float32')) };
}

/**
 * Turns a differentiable loss and a tfjs-core optimiser (`adam`, `sgd`, `momentum`) into a
 * `Learner`. Each `trainStep` runs `optimizer.minimize` on the batch loss inside `tidy`, then
 * reads the metrics back in one async download (no blocking `dataSync`, good for WebGPU).
 * `saveState`/`loadState` carry the optimiser's slots and step counter for exact resume.
 */
export function createGradientLearner(options: GradientLearnerOptions): GradientLearner {
  const { params, optimizer: optimizerName } = options;
  const optimizerOptions = options.optimizerOptions ?? {};
  if (!Object.hasOwn(SLOTS, optimizerName)) makeOptimizer(optimizerName, 0, optimizerOptions); // throws E_CONFIG
  let learningRate = checkRate(options.learningRate, 'learningRate');
  const decayRate = checkRate(options.weightDecay?.rate ?? 0, 'weightDecay.rate');

  const paramNames = Object.keys(params);
  if (paramNames.length === 0) {
    throw new PlasticityError('E_CONFIG', 'createGradientLearner needs at least one param', {
      field: 'params',
    });
  }
  const variables = paramNames.map((name) => params[name]);
  for (const [i, variable] of variables.entries()) {
    if (!(variable instanceof tf.Variable) || !variable.trainable) {
      throw new PlasticityError('E_CONFIG', `param "${paramNames[i]}" must be a trainable tf.Variable`, {
        field: `params.${paramNames[i]}`,
      });
    }
  }
  const decayNames = options.weightDecay?.params ?? paramNames;
  for (const name of decayNames) {
    if (!(name in params)) {
      throw new PlasticityError('E_CONFIG', `weightDecay.params names unknown param "${name}"`, {
        field: 'weightDecay.params',
        value: name,
        known: paramNames,
      });
    }
  }
  const decayed = decayRate > 0 ? decayNames.map((name) => params[name]) : [];
  const keyByVariableName = new Map(variables.map((v, i) => [v.name, paramNames[i]]));
  const metricsOf = options.metrics ?? defaultMetrics;

  let optimizer = makeOptimizer(optimizerName, learningRate, optimizerOptions);
  let disposed = false;

  const assertLive = (): void => {
    if (disposed) throw new PlasticityError('E_USAGE', 'this learner has been disposed');
  };

  // Decay terms from the pre-step values, so that with SGD the update is exactly the L2 one.
  const decayTerms = (): tf.Tensor[] => decayed.map((v) => tf.mul(v, learningRate * decayRate));

  async function trainStep(batch: Batch): Promise<StepMetrics> {
    assertLive();
    let scores: tf.Tensor | undefined;
    let packed: { names: string[]; values: tf.Tensor1D };
    try {
      packed = tf.tidy(() => {
        const decay = decayTerms();
        const cost = optimizer.minimize(
          () => {
            const out = options.loss(batch);
            if (out instanceof tf.Tensor) return out;
            // Kept past the gradient tape's scope so metrics reuse the forward pass.
            if (out.scores) scores = tf.keep(out.scores);
            return out.loss;
          },
          true,
          variables,
        ) as tf.Scalar;
        decayed.forEach((variable, i) => variable.assign(tf.sub(variable, decay[i])));
        const metrics: Record<string, tf.Scalar> = {
          loss: cost,
          ...(scores ? metricsOf(batch, scores) : {}),
        };
        const names = Object.keys(metrics);
        return { names, values: tf.stack(names.map((n) => tf.cast(tf.reshape(metrics[n], []), 'float32'))) };
      }) as { names: string[]; values: tf.Tensor1D };
    } finally {
      scores?.dispose();
    }
    const values = await packed.values.data();
    packed.values.dispose();
    const result: Record<string, number> = {};
    packed.names.forEach((name, i) => (result[name] = values[i]));
    return result as StepMetrics;
  }

  async function saveState(): Promise<Record<string, tf.Tensor>> {
    assertLive();
    const [iterations, ...slots] = await optimizer.getWeights();
    const state: Record<string, tf.Tensor> = { [ITERATIONS_KEY]: iterations.tensor };
    if (optimizerName === 'adam')
      for (const key of ADAM_POWERS) state[key] = adamPower(optimizer, key).clone();
    for (const { name, tensor } of slots) {
      // tfjs names slots `${variable.name}/${slot}`; re-key them by param name so a new process
      // (with different tfjs variable names) can load them.
      const cut = name.lastIndexOf('/');
      const key = keyByVariableName.get(name.slice(0, cut));
      if (key === undefined)
        throw new PlasticityError('E_CHECKPOINT', `optimizer slot "${name}" has no param`);
      state[`${key}/${name.slice(cut + 1)}`] = tensor.clone();
    }
    return state;
  }

  async function loadState(state: Record<string, tf.Tensor>): Promise<void> {
    assertLive();
    const iterations = state[ITERATIONS_KEY];
    if (!iterations || iterations.size !== 1) {
      throw new PlasticityError('E_CHECKPOINT', `optimizer state lacks a scalar "${ITERATIONS_KEY}"`, {
        keys: Object.keys(state),
      });
    }
    const slotNames = SLOTS[optimizerName];
    const expected = slotNames.flatMap((slot) => paramNames.map((key) => `${key}/${slot}`));
    const powers = optimizerName === 'adam' ? ADAM_POWERS.filter((k) => k in state) : [];
    const present = Object.keys(state).filter(
      (k) => k !== ITERATIONS_KEY && !(powers as string[]).includes(k),
    );
    // State saved before the first step has no slots yet: tfjs creates them lazily.
    if (present.length > 0 || slotNames.length === 0) {
      const unknown = present.filter((k) => !expected.includes(k));
      const missing = expected.filter((k) => !(k in state));
      if (unknown.length > 0 || missing.length > 0) {
        throw new PlasticityError(
          'E_CHECKPOINT',
          `optimizer state does not match a ${optimizerName} optimizer over these params` +
            (missing.length ? `; missing: ${missing.join(', ')}` : '') +
            (unknown.length ? `; unexpected: ${unknown.join(', ')}` : ''),
          { missing, unknown },
        );
      }
    }
    for (const key of powers) {
      if (state[key].size !== 1)
        throw new PlasticityError('E_CHECKPOINT', `optimizer state "${key}" must be a scalar`);
    }
    const slots =
      present.length === 0 ? [] : slotNames.flatMap((slot) => paramNames.map((key, i) => ({ slot, key, i })));
    for (const { slot, key, i } of slots) {
      const shape = state[`${key}/${slot}`].shape;
      if (!tf.util.arraysEqual(shape, variables[i].shape)) {
        throw new PlasticityError(
          'E_CHECKPOINT',
          `optimizer slot "${key}/${slot}" has shape [${shape}], param has [${variables[i].shape}]`,
        );
      }
    }
    // tfjs wants the iteration count first, then each slot kind over all params in order.
    const weights = [
      { name: 'iter', tensor: iterations },
      ...slots.map(({ slot, key, i }) => ({
        name: `${variables[i].name}/${slot}`,
        tensor: tf.cast(state[`${key}/${slot}`], 'float32'),
      })),
    ];
    const fresh = makeOptimizer(optimizerName, learningRate, optimizerOptions);
    try {
      await fresh.setWeights(weights);
    } catch (error) {
      disposeOptimizer(optimizerName, fresh);
      throw error;
    } finally {
      // setWeights made its own variables (sharing data); drop our casts.
      for (const w of weights.slice(1)) w.tensor.dispose();
    }
    for (const key of powers) {
      tf.tidy(() => adamPower(fresh, key).assign(tf.reshape(tf.cast(state[key], 'float32'), [])));
    }
    disposeOptimizer(optimizerName, optimizer);
    optimizer = fresh;
  }

  return {
    params,
    optimizerName,
    get iterations() {
      return optimizer.iterations;
    },
    get learningRate() {
      return learningRate;
    },
    set learningRate(value: number) {
      learningRate = checkRate(value, 'learningRate');
      setOptimizerLearningRate(optimizerName, optimizer, learningRate);
    },
    trainStep,
    predict: (x) => options.predict(x),
    saveState,
    loadState,
    dispose() {
      if (disposed) return;
      disposed = true;
      disposeOptimizer(optimizerName, optimizer);
      for (const variable of variables) variable.dispose();
    },
  };
}
