import * as tf from '@tensorflow/tfjs-core';
import {
  PlasticityError,
  accuracyMetric,
  createGradientStep,
  createRng,
  denseBatch,
  denseFeatureCount,
  readMetrics,
  stepLearner,
} from '@plasticity/core-tensors';
import type {
  Batch,
  BatchInput,
  Learner,
  ParamMap,
  RulePlugin,
  StepMetrics,
  TaskSpec,
} from '@plasticity/core-tensors';
import { leastControlConfigSchema } from './config.js';
import type { LeastControlConfig } from './config.js';
import type { ControlledState } from './dynamics.js';
import { dynamicsContext, restingState, solveDynamics } from './dynamics.js';
import { energyStart, solveEnergy } from './energy.js';
import { createFeedbackParams, learnFeedback } from './feedback.js';
import { freeEquilibrium } from './free.js';
import type { ConvergenceOptions } from './iterate.js';
import { disposeState } from './iterate.js';
import { BoundNetwork, activate, createNetworkParams, feedbackName } from './network.js';
import type { NetworkSpec } from './network.js';
import { createObjective } from './objective.js';
import { leastControlRecipes } from './recipes.js';
import { clipByGlobalNorm, localUpdate } from './update.js';

/** The batch as `[B, features]` float32, and whether it is a new tensor the caller disposes. */
function denseInput(input: BatchInput, features: number): { x: tf.Tensor2D; owned: boolean } {
  const x = denseBatch(input, features, 'least-control');
  return { x, owned: x !== input };
}

/** Solver statistics of one training step, beside the loss and accuracy. */
export interface SolveReport {
  readonly iterations: number;
  readonly residual: number;
  readonly unconverged: number;
}

/** A least-control learner: what `leastControlRule.create` returns. */
export interface LeastControlLearner extends Learner {
  readonly spec: NetworkSpec;
  /** Optimiser steps taken so far. */
  readonly iterations: number;
  /**
   * The controlled equilibrium of a batch and the local update it implies, without changing
   * any weight (for tests and analysis). Caller disposes the returned tensors.
   */
  equilibrium(batch: Batch): Promise<{
    v: tf.Tensor[];
    vp: tf.Tensor;
    grads: Record<string, tf.Tensor>;
    report: SolveReport;
  }>;
}

/** Cross-field checks the schema cannot express. */
function checkConfig(config: LeastControlConfig): void {
  if (config.solver === 'energy' && config.feedback === 'linear') {
    throw new PlasticityError(
      'E_CONFIG',
      'feedback "linear" applies to the dynamics solver; use solver "dynamics", or feedback "inversion" with the energy solver',
      { field: 'feedback', value: config.feedback },
    );
  }
}

/** Builds the learner for a validated config (what `leastControlRule.create` does). */
export function createLeastControlLearner(
  config: LeastControlConfig,
  task: TaskSpec,
  seed: number,
): LeastControlLearner {
  checkConfig(config);
  const features = denseFeatureCount(task, 'least-control');
  const spec: NetworkSpec = {
    inputs: features,
    hidden: config.hidden,
    outputs: task.outputs,
    recurrent: config.network === 'recurrent',
    activation: config.activation,
  };
  const rng = createRng(seed);
  const weights = createNetworkParams(spec, config.init, config.recurrentRadius, rng.fork('init'));
  const linear = config.solver === 'dynamics' && config.feedback === 'linear';
  const feedbackParams = linear
    ? createFeedbackParams(spec, config.linearFeedback, rng.fork('feedback'))
    : {};
  const feedbackKernels = spec.hidden.map((_, k) => feedbackParams[feedbackName(k)]).filter(Boolean);
  const noiseRng = rng.fork('noise');
  const names = Object.keys(weights);
  const convergence: ConvergenceOptions = {
    maxIterations: config.maxIterations,
    tolerance: config.tolerance,
    checkEvery: config.checkEvery,
    divergenceBound: config.divergenceBound,
  };
  const rateV = config.dt / config.tauV;

  const step = createGradientStep(weights, {
    ...config,
    decayed: names.filter((n) => n.endsWith('.kernel') || n.endsWith('.recurrent')),
  });

  /** Free scores for `x`; recurrent networks iterate to their fixed point (async). */
  async function freeScores(x: tf.Tensor2D): Promise<{ scores: tf.Tensor2D; report: SolveReport }> {
    const net = new BoundNetwork(spec, weights);
    const a = net.encode(x);
    try {
      const free = await freeEquilibrium(net, a, rateV, convergence);
      const scores = tf.tidy(() => net.decode(free.state.h[spec.hidden.length - 1]));
      disposeState(free.state);
      return { scores, report: free };
    } finally {
      a.dispose();
      net.dispose();
    }
  }

  /** Free scores of a batch: one synchronous pass feed-forward, the fixed point (async) recurrent. */
  function predict(input: BatchInput): tf.Tensor | Promise<tf.Tensor> {
    const { x, owned } = denseInput(input, features);
    if (!spec.recurrent) {
      // One forward pass: synchronous, as the feed-forward free equilibrium is exact.
      const net = new BoundNetwork(spec, weights);
      try {
        return tf.tidy(() => {
          let h = activate(spec.activation, net.encode(x));
          for (let k = 1; k < spec.hidden.length; k++) h = activate(spec.activation, net.chain(k, [h]));
          return net.decode(h);
        });
      } finally {
        net.dispose();
        if (owned) x.dispose();
      }
    }
    return freeScores(x)
      .then((r) => r.scores)
      .finally(() => {
        if (owned) x.dispose();
      });
  }

  /**
   * Free pass, controlled equilibrium, local update. Returns everything the step needs; the
   * caller disposes it. On an error every tensor made here is freed.
   */
  async function solve(batch: Batch, x: tf.Tensor2D) {
    const objective = createObjective(task.kind, batch.y, spec.outputs);
    const net = new BoundNetwork(spec, weights);
    const a = net.encode(x);
    const ctx = dynamicsContext({
      net,
      a,
      objective,
      alpha: config.alpha,
      rateV,
      rateU: config.dt / config.tauU,
      rateE: config.dt / config.tauE,
      feedback: config.feedback,
      feedbackKernels,
    });
    let held: tf.Tensor[] = [];
    try {
      const free = await freeEquilibrium(net, a, rateV, convergence);
      const L = spec.hidden.length;
      const scores = tf.tidy(() => net.decode(free.state.h[L - 1]));
      const loss = tf.tidy(() => objective.loss(scores));
      held = [scores, loss];
      // Start at the free equilibrium (u = e = 0), or from zero as the paper's code does.
      let { v, h } = free.state;
      if (config.stateInit === 'zero') {
        const zeros = v.map((t) => tf.zerosLike(t));
        disposeState(free.state);
        v = zeros;
        h = tf.tidy(() => v.map((t) => activate(spec.activation, t)));
      }
      let result: { state: { v: tf.Tensor[]; h: tf.Tensor[]; vp: tf.Tensor }; report: SolveReport };
      if (config.solver === 'energy') {
        const vp = config.stateInit === 'zero' ? tf.zeros([x.shape[0], spec.outputs]) : tf.clone(scores);
        const start = energyStart(config.energyOptimizer, v, h, vp);
        const out = await solveEnergy(
          {
            net,
            a,
            objective,
            alpha: config.alpha,
            optimizer: config.energyOptimizer,
            learningRate: config.energyLearningRate,
          },
          start,
          convergence,
        );
        tf.dispose([...out.state.m, ...out.state.s]);
        result = { state: out.state, report: out };
      } else {
        const start: ControlledState = restingState(net, v, h, spec.outputs);
        if (config.stateInit === 'zero') {
          start.vp.dispose();
          start.vp = tf.zeros([x.shape[0], spec.outputs]);
        }
        const out = await solveDynamics(ctx, start, convergence);
        result = { state: out.state, report: out };
      }
      const state = result.state;
      let stateOwned = true;
      const update = localUpdate(net, x, a, state, linear && config.linearFeedback.modulate);
      return {
        ctx,
        state,
        scores,
        loss,
        update,
        report: result.report,
        free,
        /** Hands the equilibrium over (dispose() leaves it alone afterwards). */
        takeState: () => {
          stateOwned = false;
          return state;
        },
        dispose: () => {
          tf.dispose([scores, loss, update.controlU, update.controlE, ...Object.values(update.grads)]);
          if (stateOwned) disposeState(state);
          tf.dispose(ctx.targetDrive);
          objective.dispose();
          a.dispose();
          net.dispose();
        },
      };
    } catch (error) {
      tf.dispose(held);
      tf.dispose(ctx.targetDrive);
      objective.dispose();
      a.dispose();
      net.dispose();
      throw error;
    }
  }

  async function trainStep(batch: Batch): Promise<StepMetrics> {
    const { x, owned } = denseInput(batch.x, features);
    try {
      const solved = await solve(batch, x);
      try {
        const { update } = solved;
        const norm =
          config.clipNorm !== undefined ? clipByGlobalNorm(update.grads, config.clipNorm) : undefined;
        const { controlU, controlE, controlEffort, updateNorm, ...metrics } = await readMetrics(() => ({
          loss: solved.loss,
          ...accuracyMetric(batch, solved.scores),
          controlU: tf.mean(update.controlU),
          controlE: tf.mean(update.controlE),
          controlEffort: tf.mul(tf.mean(tf.add(tf.square(update.controlU), tf.square(update.controlE))), 0.5),
          updateNorm: norm ?? tf.scalar(0),
        }));
        norm?.dispose();
        const { loss } = metrics;
        if (!Number.isFinite(loss) || !Number.isFinite(controlU) || !Number.isFinite(controlE)) {
          throw new PlasticityError(
            'E_DIVERGED',
            `least-control: non-finite values after the solve (loss ${loss}, mean ‖u*‖ ${controlU}, mean ‖e*‖ ${controlE}); the weights or the learning rate are unstable`,
            { loss, controlU, controlE },
          );
        }
        step.apply(update.grads);
        if (linear && config.linearFeedback.steps > 0 && config.linearFeedback.learningRate > 0) {
          const stepSeed = noiseRng.fork(step.iterations).int(2 ** 30);
          const equilibrium = solved.takeState() as ControlledState;
          learnFeedback(solved.ctx, equilibrium, feedbackKernels, config.linearFeedback, stepSeed);
        }
        return {
          ...(metrics as StepMetrics),
          iterations: solved.report.iterations,
          residual: solved.report.residual,
          unconverged: solved.report.unconverged,
          controlU,
          controlE,
          controlEffort,
          ...(spec.recurrent
            ? { freeIterations: solved.free.iterations, freeUnconverged: solved.free.unconverged }
            : {}),
          ...(norm ? { updateNorm } : {}),
        };
      } finally {
        solved.dispose();
      }
    } finally {
      if (owned) x.dispose();
    }
  }

  async function equilibrium(batch: Batch) {
    const { x, owned } = denseInput(batch.x, features);
    try {
      const solved = await solve(batch, x);
      const out = {
        v: solved.state.v.map((t) => tf.clone(t)),
        vp: tf.clone(solved.state.vp),
        grads: Object.fromEntries(Object.entries(solved.update.grads).map(([k, g]) => [k, tf.clone(g)])),
        report: solved.report,
      };
      solved.dispose();
      return out;
    } finally {
      if (owned) x.dispose();
    }
  }

  return stepLearner(step, {
    params: { ...weights, ...feedbackParams } as ParamMap,
    spec,
    trainStep,
    equilibrium,
    predict,
    dispose: () => Object.values(feedbackParams).forEach((q) => q.dispose()),
  });
}

/** The least-control principle: learning from the controls that hold a network at its target. */
export const leastControlRule: RulePlugin<LeastControlConfig> = {
  name: 'least-control',
  package: { name: '@plasticity/rule-least-control' },
  summary:
    'Least-control principle (Meulemans et al. 2022): an integral controller drives a feed-forward or recurrent network to zero loss; weights learn locally from the control at equilibrium.',
  configSchema: leastControlConfigSchema,
  recipes: leastControlRecipes,
  metrics: {
    loss: {
      label: 'output loss at the free equilibrium',
      description:
        'the configured objective (softmax cross-entropy or mean squared error) of the uncontrolled network’s output, batch mean, before the update',
    },
    accuracy: { label: 'training accuracy (during the epoch)' },
    controlEffort: {
      label: 'controller effort ½‖control‖²',
      description:
        'the least-control objective at the controlled equilibrium, ½(‖u*‖² + Σₖ‖e*ₖ‖²) per sample (output and hidden controls), batch mean: what the local update lowers',
    },
    controlU: {
      label: 'output control ‖u*‖',
      description: 'norm of the controller’s output at equilibrium, u* = v_pred* − dec(v*), batch mean',
    },
    controlE: {
      label: 'hidden control ‖e*‖',
      description:
        'norm of the feedback on the hidden states at equilibrium, e* = v* − f(x, v*) over all layers, batch mean',
    },
  },
  inputs: ['dense'],
  create: createLeastControlLearner,
};
