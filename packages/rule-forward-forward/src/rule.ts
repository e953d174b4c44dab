import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError, createRng, isEventBatch } from '@plasticity/core-tensors';
import { shiftImages } from './augment.js';
import type { Batch, BatchInput, Learner, RulePlugin, StepMetrics, TaskSpec } from '@plasticity/core-tensors';
import { forwardForwardConfigSchema } from './config.js';
import type { ForwardForwardConfig, PredictionKind } from './config.js';
import type { LocalGradients } from './core.js';
import { FfThreads, hostStep } from './parallel/threads.js';
import type { CombinedStep } from './parallel/threads.js';
import { forwardForwardRecipes } from './recipes.js';
import { createFfReplica } from './replica.js';

export interface ForwardForwardLearner extends Learner {
  /** Class scores with a chosen inference mode (`predict` uses the config's). */
  predictWith(x: BatchInput, mode: PredictionKind): tf.Tensor2D;
  /** The local gradients a step would apply, without applying them (the caller disposes them). */
  gradients(batch: Batch): LocalGradients;
  /** Optimiser steps taken so far. */
  readonly iterations: number;
  /** Threads a training batch is spread over (known after the first step). */
  readonly threads: number | undefined;
  /**
   * Each worker thread's copy of the variables (none without threads): worker threads keep
   * replicas that must stay bit-identical to `params`; this lets a check compare them.
   */
  replicaWeights(): Promise<Record<string, Float32Array>[]>;
}

export interface ForwardForwardLearnerOptions {
  /** The worker script (tests point it at the built one). */
  readonly workerUrl?: URL;
}

/** Builds the learner for a validated config (what `forwardForwardRule.create` does). */
export function createForwardForwardLearner(
  config: ForwardForwardConfig,
  task: TaskSpec,
  seed: number,
  options: ForwardForwardLearnerOptions = {},
): ForwardForwardLearner {
  const replica = createFfReplica(config, task, seed);
  const { network } = replica;
  const { layers, readout } = network;
  const stepRng = createRng(seed).fork('steps');
  const multipliers = config.layerLearningRates ?? config.hidden.map(() => 1);
  let learningRate = config.learningRate;
  let disposed = false;
  // Worker threads start with the first batch (starting them is asynchronous).
  let threads: Promise<FfThreads | undefined> | undefined;
  let threadCount: number | undefined;

  const assertLive = () => {
    if (disposed) throw new PlasticityError('E_USAGE', 'this learner has been disposed');
  };
  // Negatives and masks depend only on (seed, step), so a resumed run draws the same ones.
  const stepSeeds = (): number[] => {
    const r = stepRng.fork(replica.iterations);
    return [r.int(2 ** 31 - 1), r.int(2 ** 31 - 1)];
  };

  /** The batch with every image jittered (config.shift), or the batch itself. */
  async function augmented(batch: Batch): Promise<Batch> {
    if (config.shift === 0) return batch;
    if (isEventBatch(batch.x) || batch.x.size !== batch.size * network.spec.features) return batch; // the step reports the shape error
    const rng = stepRng.fork(`shift.${replica.iterations}`);
    const moved = shiftImages(
      (await batch.x.data()) as Float32Array,
      batch.size,
      network.spec.imageShape as [number, number],
      config.shift,
      rng,
    );
    return { ...batch, x: tf.tensor2d(moved, [batch.size, network.spec.features]) };
  }

  async function trainStep(input: Batch): Promise<StepMetrics> {
    assertLive();
    threads ??= FfThreads.start(replica, config, task, seed, options.workerUrl);
    const parallel = await threads;
    threadCount = parallel?.threads ?? 1;
    const seeds = stepSeeds();
    const batch = await augmented(input);
    let step: CombinedStep;
    try {
      step = parallel ? await parallel.step(batch, seeds) : await hostStep(network, batch, seeds);
    } finally {
      if (batch !== input) (batch.x as tf.Tensor).dispose();
    }
    try {
      if (!Number.isFinite(step.metrics.loss)) {
        throw new PlasticityError(
          'E_DIVERGED',
          `forward-forward: the layer loss is ${step.metrics.loss} (goodness overflowed; lower the learning rate)`,
          { loss: step.metrics.loss },
        );
      }
      // The workers' replicas take the same update while this thread applies it.
      if (parallel) await parallel.publish(step, replica.learningRates);
      replica.apply(step.grads, step.peer);
      parallel?.settle();
      return step.metrics as StepMetrics;
    } finally {
      tf.dispose([step.grads as unknown as tf.TensorContainer, step.peer]);
    }
  }

  return {
    params: Object.assign({}, ...layers, readout) as Record<string, tf.Variable>,
    get iterations() {
      return replica.iterations;
    },
    get threads() {
      return threadCount;
    },
    async replicaWeights() {
      assertLive();
      return (await threads)?.replicaWeights() ?? [];
    },
    get learningRate() {
      return learningRate;
    },
    set learningRate(value: number) {
      const factor = value / config.learningRate;
      replica.learningRates = [
        ...multipliers.map((m) => config.learningRate * m * factor),
        config.readoutLearningRate * factor,
      ];
      learningRate = value;
    },
    trainStep,
    predict: (x) => {
      assertLive();
      return network.predictWith(x, config.predict);
    },
    predictWith: (x, mode) => {
      assertLive();
      return network.predictWith(x, mode);
    },
    gradients(batch) {
      assertLive();
      const step = network.step(batch, stepSeeds());
      tf.dispose([...step.peer, ...Object.values(step.metrics)]);
      return step.grads;
    },
    async saveState() {
      assertLive();
      return replica.saveState();
    },
    async loadState(state) {
      assertLive();
      await replica.loadState(state);
      // The workers' replicas take the loaded state before their next step.
      (await threads)?.invalidate();
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      replica.dispose();
      void threads?.then((parallel) => parallel?.dispose());
    },
  };
}

/** Forward-Forward: every layer learns alone to tell positive from negative data. */
export const forwardForwardRule: RulePlugin<ForwardForwardConfig> = {
  name: 'forward-forward',
  package: { name: '@plasticity/rule-forward-forward' },
  summary:
    'Forward-Forward (Hinton 2022): layer-local goodness objectives on positive and negative passes, supervised (label in the input) or unsupervised (hybrid-image negatives).',
  configSchema: forwardForwardConfigSchema,
  recipes: forwardForwardRecipes,
  metrics: {
    loss: {
      label: 'goodness loss (sum over layers)',
      description:
        'each layer’s softplus((θ − G⁺)/T) + softplus((G⁻ − θ)/T), batch mean, summed over layers: not a cross-entropy, so not comparable with evaluation',
    },
    readoutLoss: { label: 'readout training cross-entropy' },
    accuracy: { label: 'training accuracy (during the epoch)' },
  },
  inputs: ['dense'],
  create: (config, task, seed) => createForwardForwardLearner(config, task, seed),
};
