import * as tf from '@tensorflow/tfjs-core';
import { createRng, parseConfig } from '@plasticity/core-tensors';
import type { TaskSpec } from '@plasticity/core-tensors';
import { bpttRule } from '@plasticity/rule-bptt';
import type { BpttConfigInput } from '@plasticity/rule-bptt';
import { measureTrainSteps } from './measure.js';

/** A BPTT training benchmark on seeded random input spikes; times in ms. */
export interface BpttBenchOptions {
  readonly inputs: number;
  readonly hidden: readonly number[];
  readonly outputs: number;
  readonly recurrent?: boolean;
  /** Simulation steps T. */
  readonly steps: number;
  /** Step in ms (default 1). */
  readonly dt?: number;
  readonly batchSize: number;
  /** Probability that an input channel spikes in a step (default 0.02, i.e. 20 Hz at dt 1 ms). */
  readonly inputProbability?: number;
  /** Measure for at least this long (default 2 s) and at least `minSteps` steps (default 2). */
  readonly seconds?: number;
  readonly minSteps?: number;
  readonly seed?: number;
  /** Further bptt config (surrogate, loss, ...). */
  readonly config?: BpttConfigInput;
}

export interface BpttBenchResult {
  readonly steps: number;
  readonly batchSize: number;
  /** Training steps measured. */
  readonly trainSteps: number;
  readonly samplesPerSecond: number;
  readonly msPerTrainStep: number;
  /** Most bytes live at once during one training step (tf.profile's peakBytes: params included). */
  readonly peakBytes: number;
  /** `peakBytes` less what was live before the step (params, optimiser slots, the input): the step's working memory. */
  readonly peakStepBytes: number;
}

/**
 * Trains a BPTT learner on random spike trains `[steps, batch, inputs]` and reports samples/s
 * and peak memory of one training step, for comparing simulation lengths T (BPTT memory grows
 * with T) and rules on the same network. Uses the current tfjs backend.
 */
export async function benchmarkBptt(options: BpttBenchOptions): Promise<BpttBenchResult> {
  const { inputs, outputs, steps, batchSize, seconds = 2, minSteps = 2, seed = 0 } = options;
  const dt = options.dt ?? 1;
  const task: TaskSpec = {
    input: { kind: 'spikes', steps, channels: inputs, dt },
    outputs,
    kind: 'classification',
  };
  const config = parseConfig(bpttRule, {
    ...options.config,
    hidden: [...options.hidden],
    recurrent: options.recurrent ?? false,
  });
  const learner = bpttRule.create(config, task, seed);
  const rng = createRng(seed).fork('bench');
  const probability = options.inputProbability ?? 0.02;
  const batches = Array.from({ length: 4 }, () => ({
    x: tf.tensor3d(
      Float32Array.from({ length: steps * batchSize * inputs }, () => (rng.uniform() < probability ? 1 : 0)),
      [steps, batchSize, inputs],
    ),
    y: tf.tensor1d(
      Int32Array.from({ length: batchSize }, () => rng.int(outputs)),
      'int32',
    ),
    size: batchSize,
  }));
  try {
    const cost = await measureTrainSteps(learner, batches, batchSize, { seconds, minSteps });
    return {
      steps,
      batchSize,
      ...cost,
    };
  } finally {
    tf.dispose(batches.flatMap((b) => [b.x, b.y]));
    learner.dispose();
  }
}
