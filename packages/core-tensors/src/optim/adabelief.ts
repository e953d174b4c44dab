import * as tf from '@tensorflow/tfjs-core';
import { adamSlots, advanceAdamPowers } from './adam-state.js';
import type { AdamState } from './adam-state.js';

/** Added to the belief moment each step, as the AdaBelief paper's ε inside the second moment. */
const BELIEF_FLOOR = 1e-16;

/**
 * AdaBelief (Zhuang et al., NeurIPS 2020): Adam whose second moment tracks the squared deviation
 * of the gradient from its running mean, `s ← β2·s + (1 − β2)(g − m)² + ε`, so steps are large
 * where the gradient is predictable and small where it is not. Built on tfjs' Adam state (the
 * slots `m` and `v` hold m and s; the β powers are Adam's), so save and resume work as for Adam.
 */
export class AdaBeliefOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    const state = this as unknown as AdamState;
    const { beta1, beta2, epsilon, learningRate } = this;
    tf.tidy(() => {
      const correction1 = tf.sub(1, state.accBeta1);
      const correction2 = tf.sub(1, state.accBeta2);
      for (const { param, m, v: s, grad } of adamSlots(this, variableGradients)) {
        if (grad === undefined) continue;
        const newM = tf.add(tf.mul(m, beta1), tf.mul(grad, 1 - beta1));
        const surprise = tf.sub(grad, newM);
        const newS = tf.add(tf.add(tf.mul(s, beta2), tf.mul(tf.square(surprise), 1 - beta2)), BELIEF_FLOOR);
        const step = tf.div(tf.div(newM, correction1), tf.add(tf.sqrt(tf.div(newS, correction2)), epsilon));
        m.assign(newM);
        s.assign(newS);
        param.assign(tf.sub(param, tf.mul(step, learningRate)));
      }
      advanceAdamPowers(this, this.beta1, this.beta2);
    });
    this.incrementIterations();
  }
}
