import * as tf from '@tensorflow/tfjs-core';

/**
 * tfjs 4.22 AdamOptimizer state (private there). Optimisers built on it step it themselves and
 * keep it, so that getWeights, setWeights, dispose and the checkpoint format stay tfjs' own.
 */
export interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

type VariableGradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/** One parameter of an `applyGradients` call: the variable, its two moment slots and its gradient. */
export interface AdamSlot {
  readonly param: tf.Variable;
  readonly m: tf.Variable;
  readonly v: tf.Variable;
  readonly grad: tf.Tensor | undefined;
}

/**
 * The parameters of `variableGradients` with their moment slots, made on first use and indexed
 * by position as tfjs does. Call inside `tidy`.
 */
export function adamSlots(optimizer: tf.AdamOptimizer, variableGradients: VariableGradients): AdamSlot[] {
  const state = optimizer as unknown as AdamState;
  const names = Array.isArray(variableGradients)
    ? variableGradients.map((v) => v.name)
    : Object.keys(variableGradients);
  return names.map((name, i) => {
    const param = tf.engine().registeredVariables[name];
    const zeros = () => tf.tidy(() => tf.zerosLike(param).variable(false));
    state.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: zeros() };
    state.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: zeros() };
    const grad: tf.Tensor | undefined = Array.isArray(variableGradients)
      ? variableGradients[i].tensor
      : variableGradients[name];
    return {
      param,
      m: state.accumulatedFirstMoment[i].variable,
      v: state.accumulatedSecondMoment[i].variable,
      grad: grad ?? undefined,
    };
  });
}

/** Advances the running β powers after a step. */
export function advanceAdamPowers(optimizer: tf.AdamOptimizer, beta1: number, beta2: number): void {
  const state = optimizer as unknown as AdamState;
  state.accBeta1.assign(tf.mul(state.accBeta1, beta1));
  state.accBeta2.assign(tf.mul(state.accBeta2, beta2));
}
