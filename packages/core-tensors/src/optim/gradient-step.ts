import * as tf from '@tensorflow/tfjs-core';
import type { Learner, ParamMap } from '../contract/learner.js';
import { PlasticityError } from '../errors/plasticity-error.js';
import { AdaBeliefOptimizer } from './adabelief.js';
import type { AdamState } from './adam-state.js';
import { FusedAdamOptimizer } from './fused-adam.js';
import { OPTIMIZERS } from './optimizer-config.js';
import type { GradientOptimizerName, GradientOptimizerOptions } from './optimizer-config.js';

/** What a gradient step is built from; a config parsed with `optimizerConfigShape` is one. */
export interface GradientStepOptions extends GradientOptimizerOptions {
  readonly optimizer: GradientOptimizerName;
  readonly learningRate: number;
  /**
   * Decoupled weight decay (AdamW style, default 0): each step also subtracts `lr·rate·p`
   * (p before the step). With SGD this is exactly an L2 penalty `rate/2·‖p‖²`.
   */
  readonly weightDecay?: number;
  /** The params that decay (default: all). */
  readonly decayed?: readonly string[];
}

/**
 * One optimiser over a `ParamMap`, stepped with gradients computed anywhere (autodiff, an
 * adjoint, a local rule). It owns the params: `dispose()` frees them with its own state.
 */
export interface GradientStep {
  readonly params: ParamMap;
  readonly optimizerName: GradientOptimizerName;
  /** Steps taken so far (restored by `loadState`). */
  readonly iterations: number;
  /** Takes effect on the next `apply`. */
  learningRate: number;
  /**
   * One optimiser step down `grads` (one per param, same names and shapes). The caller keeps
   * ownership of `grads`; nothing else outlives the call.
   */
  apply(grads: Readonly<Record<string, tf.Tensor>>): void;
  /** Optimiser slots and step counter, keyed by param name, for exact resume. */
  saveState(): Promise<Record<string, tf.Tensor>>;
  loadState(state: Record<string, tf.Tensor>): Promise<void>;
  /** Frees the optimiser state and the params; idempotent. */
  dispose(): void;
}

const SLOTS: Readonly<Record<GradientOptimizerName, readonly string[]>> = {
  sgd: [],
  momentum: ['momentum'],
  adam: ['m', 'v'],
  adabelief: ['m', 'v'],
};

/** Optimisers built on tfjs' Adam state (moments and β powers). */
const hasAdamState = (name: GradientOptimizerName): boolean => name === 'adam' || name === 'adabelief';

const ITERATIONS_KEY = 'iterations';

// Adam's running powers beta^t (private in tfjs 4.22). setWeights recomputes them with `pow`,
// which differs in the last float32 bit from the running product, so resume would drift; we
// save and restore them as they are.
const ADAM_POWERS = ['beta1Power', 'beta2Power'] as const;
const adamPower = (optimizer: tf.Optimizer, key: (typeof ADAM_POWERS)[number]): tf.Variable => {
  const internals = optimizer as unknown as AdamState;
  return key === 'beta1Power' ? internals.accBeta1 : internals.accBeta2;
};

/** `value` if it is a finite number ≥ 0, else an E_CONFIG error naming `field`. */
export function checkRate(value: number, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new PlasticityError('E_CONFIG', `${field} must be a finite number ≥ 0, got ${String(value)}`, {
      field,
      value,
    });
  }
  return value;
}

function makeOptimizer(options: GradientStepOptions, learningRate: number): tf.Optimizer {
  switch (options.optimizer) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return tf.train.momentum(learningRate, options.momentum ?? 0.9, options.nesterov ?? false);
    case 'adam':
    case 'adabelief': {
      const Optimizer = options.optimizer === 'adam' ? FusedAdamOptimizer : AdaBeliefOptimizer;
      return new Optimizer(
        learningRate,
        options.beta1 ?? 0.9,
        options.beta2 ?? 0.999,
        options.epsilon ?? 1e-7,
      );
    }
    default:
      throw new PlasticityError(
        'E_CONFIG',
        `optimizer must be one of ${OPTIMIZERS.join(', ')}, got ${String(options.optimizer)}`,
        { field: 'optimizer', value: options.optimizer },
      );
  }
}

// tfjs' Optimizer overrides `instanceof` with duck typing (every optimiser passes every check),
// so these helpers dispatch on the name we built it from.
function setOptimizerLearningRate(name: GradientOptimizerName, optimizer: tf.Optimizer, lr: number): void {
  if (hasAdamState(name)) {
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

function checkParams(params: ParamMap): string[] {
  const names = Object.keys(params);
  if (names.length === 0) {
    throw new PlasticityError('E_CONFIG', 'a gradient step needs at least one param', { field: 'params' });
  }
  for (const name of names) {
    if (!(params[name] instanceof tf.Variable) || !params[name].trainable) {
      throw new PlasticityError('E_CONFIG', `param "${name}" must be a trainable tf.Variable`, {
        field: `params.${name}`,
      });
    }
  }
  return names;
}

/** Throws unless `grads` names exactly the params, each with its param's shape. */
function checkGrads(params: ParamMap, names: readonly string[], grads: Readonly<Record<string, tf.Tensor>>) {
  const missing = names.filter((name) => !(grads[name] instanceof tf.Tensor));
  const unexpected = Object.keys(grads).filter((name) => !Object.hasOwn(params, name));
  if (missing.length > 0 || unexpected.length > 0) {
    throw new PlasticityError(
      'E_CONFIG',
      'gradients must name exactly the params' +
        (missing.length ? `; missing: ${missing.join(', ')}` : '') +
        (unexpected.length ? `; unexpected: ${unexpected.join(', ')}` : ''),
      { missing, unexpected },
    );
  }
  for (const name of names) {
    if (!tf.util.arraysEqual(grads[name].shape, params[name].shape)) {
      throw new PlasticityError(
        'E_SHAPE',
        `gradient of "${name}" has shape [${grads[name].shape}], the param has [${params[name].shape}]`,
        { param: name },
      );
    }
  }
}

/**
 * Applies rule-computed gradients to `params` with a tfjs-core optimiser (`adam`, `sgd`,
 * `momentum`) plus optional decoupled weight decay, and saves and restores the optimiser's
 * state exactly. Takes ownership of `params`.
 */
export function createGradientStep(params: ParamMap, options: GradientStepOptions): GradientStep {
  const optimizerName = options.optimizer;
  let learningRate = checkRate(options.learningRate, 'learningRate');
  const decayRate = checkRate(options.weightDecay ?? 0, 'weightDecay');
  const paramNames = checkParams(params);
  const variables = paramNames.map((name) => params[name]);
  const decayNames = options.decayed ?? paramNames;
  for (const name of decayNames) {
    if (!Object.hasOwn(params, name)) {
      throw new PlasticityError('E_CONFIG', `decayed names unknown param "${name}"`, {
        field: 'decayed',
        value: name,
        known: paramNames,
      });
    }
  }
  const decayed = decayRate > 0 ? decayNames.map((name) => params[name]) : [];
  const keyByVariableName = new Map(variables.map((v, i) => [v.name, paramNames[i]]));

  let optimizer = makeOptimizer(options, learningRate);
  let disposed = false;
  const assertLive = (): void => {
    if (disposed) throw new PlasticityError('E_USAGE', 'this gradient step has been disposed');
  };

  function apply(grads: Readonly<Record<string, tf.Tensor>>): void {
    assertLive();
    checkGrads(params, paramNames, grads);
    tf.tidy(() => {
      // Decay terms from the pre-step values, so that with SGD the update is exactly the L2 one.
      const decay = decayed.map((v) => tf.mul(v, learningRate * decayRate));
      optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: grads[paramNames[i]] })));
      decayed.forEach((v, i) => v.assign(tf.sub(v, decay[i])));
    });
  }

  async function saveState(): Promise<Record<string, tf.Tensor>> {
    assertLive();
    const [iterations, ...slots] = await optimizer.getWeights();
    const state: Record<string, tf.Tensor> = { [ITERATIONS_KEY]: iterations.tensor };
    if (hasAdamState(optimizerName))
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
    const powers = hasAdamState(optimizerName) ? ADAM_POWERS.filter((k) => k in state) : [];
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
    const fresh = makeOptimizer(options, learningRate);
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
    apply,
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

/** The `Learner` fields a gradient step provides. */
type StepFields = 'params' | 'learningRate' | 'saveState' | 'loadState' | 'dispose';

/**
 * A `Learner` whose params, learning rate, iteration count, `saveState/loadState` and
 * `dispose` are `step`'s, with the rule's own fields (`trainStep`, `predict`, ...) added.
 * `fields.params` replaces the step's params (for learners with params no optimiser steps);
 * `fields.dispose` runs after the step's, once.
 */
export function stepLearner<T extends Omit<Learner, StepFields> & { params?: ParamMap; dispose?(): void }>(
  step: GradientStep,
  fields: T,
): Omit<T, 'dispose'> & Learner & { readonly iterations: number } {
  const { dispose, ...rest } = fields;
  let disposed = false;
  return {
    params: step.params,
    ...rest,
    get iterations() {
      return step.iterations;
    },
    get learningRate() {
      return step.learningRate;
    },
    set learningRate(value: number) {
      step.learningRate = value;
    },
    saveState: () => step.saveState(),
    loadState: (state: Record<string, tf.Tensor>) => step.loadState(state),
    dispose() {
      if (disposed) return;
      disposed = true;
      step.dispose();
      dispose?.();
    },
  };
}
