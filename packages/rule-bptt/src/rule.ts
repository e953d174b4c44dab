import * as tf from '@tensorflow/tfjs-core';
import {
  HIDDEN_ACTIVITY_METRICS,
  PlasticityError,
  createGradientLearner,
  createRng,
  softmaxCrossEntropy,
  accuracyMetric,
} from '@plasticity/core-tensors';
import type {
  Batch,
  BatchInput,
  GradientLearner,
  InspectOptions,
  Inspection,
  RulePlugin,
  TaskSpec,
} from '@plasticity/core-tensors';
import { VOLTAGE_READOUTS, heaviside, lifExpParams, surrogateFunction } from '@plasticity/neurons';
import type { VoltageReadout } from '@plasticity/neurons';
import { spikeActivity } from './activity.js';
import type { SpikeActivity } from './activity.js';
import { createLayeredLearner, layeredChain } from './layered.js';
import { TRACE_MSE, classificationOutputs } from './objective.js';
import { bpttConfigSchema } from './config.js';
import type { BpttConfig } from './config.js';
import { defaultRecurrentInit, kernelInits } from './init.js';
import { createSpikeInput } from './input.js';
import type { SpikeGrid } from './input.js';
import { createSnnParams, spikingNetwork } from './network.js';
import type { NetworkRun } from './network.js';
import { voltageScores } from './readout.js';
import { bpttRecipes } from './recipes.js';
import { eventLists, traceSamples } from './inspect.js';

/** A BPTT learner: a gradient learner that can also show spikes and voltages of a few samples. */
export interface BpttLearner extends GradientLearner {
  /** The simulation grid inputs are put on (steps of `dt` ms). */
  readonly grid: SpikeGrid;
  inspect(x: BatchInput, options?: InspectOptions): Promise<Inspection>;
}

/** What a BPTT learner adds to its gradient learner; the optimiser's members come from `inner`. */
export type BpttParts = Pick<BpttLearner, 'params' | 'grid' | 'trainStep' | 'predict' | 'inspect'> & {
  /** Runs after the gradient learner's dispose. */
  readonly dispose?: () => void;
};

/** A `BpttLearner` from a gradient learner and the parts a network form supplies. */
export function bpttLearner(inner: GradientLearner, parts: BpttParts): BpttLearner {
  return {
    ...parts,
    get optimizerName() {
      return inner.optimizerName;
    },
    get iterations() {
      return inner.iterations;
    },
    get learningRate() {
      return inner.learningRate;
    },
    set learningRate(value: number) {
      inner.learningRate = value;
    },
    saveState: () => inner.saveState!(),
    loadState: (state) => inner.loadState!(state),
    dispose: () => {
      inner.dispose();
      parts.dispose?.();
    },
  };
}

/** The classic network's readout: its output is an LI layer, so only voltage losses apply. */
function classicReadout(config: BpttConfig): VoltageReadout {
  if (config.frame) {
    throw new PlasticityError('E_CONFIG', 'bptt: frame reshapes input for conv layers; it needs layers', {
      field: 'frame',
    });
  }
  if (!(VOLTAGE_READOUTS as readonly string[]).includes(config.loss)) {
    throw new PlasticityError(
      'E_CONFIG',
      `bptt: loss '${config.loss}' needs a spiking output layer; the hidden form ends in an li readout (use ${VOLTAGE_READOUTS.join(', ')}, or layers)`,
      { field: 'loss', value: config.loss },
    );
  }
  return config.loss as VoltageReadout;
}

/** Builds the learner for a validated config (what `bpttRule.create` does). */
export function createBpttLearner(config: BpttConfig, task: TaskSpec, seed: number): BpttLearner {
  const input = createSpikeInput(config, task);
  if (config.layers) return createLayeredLearner(config, task, input, seed);
  if (task.kind !== 'classification') {
    throw new PlasticityError(
      'E_CONFIG',
      `bptt's hidden form trains classifiers; a regression needs layers and loss '${TRACE_MSE}'`,
      { field: 'task.kind', value: task.kind },
    );
  }
  const outputs = classificationOutputs(task);
  const loss = classicReadout(config);
  const { grid } = input;
  const network = spikingNetwork({
    inputs: grid.channels,
    hidden: config.hidden,
    outputs,
    recurrent: config.recurrent,
    model: lifExpParams({
      tauMem: config.tauMem,
      tauSyn: config.tauSyn,
      threshold: config.threshold,
      dt: grid.dt,
    }),
  });
  const fanIns = [grid.channels, ...config.hidden];
  const params = createSnnParams(
    network,
    kernelInits(fanIns, config.init, config.tauMem, config.tauSyn),
    // Recurrent kernels share one init; the widest layer sets the default scale.
    config.recurrentInit ?? defaultRecurrentInit(Math.max(...config.hidden), config.tauMem, config.tauSyn),
    createRng(seed).fork('init'),
  );
  const spikeFn = surrogateFunction(config.surrogate, config.surrogateScale);
  const windowSeconds = (grid.steps * grid.dt) / 1000;

  // Hidden-activity metrics of the current step, computed in `loss` and read by `metrics`.
  let activity: SpikeActivity | undefined;
  const measureActivity = (run: NetworkRun): void => {
    activity = spikeActivity(run.hidden, windowSeconds);
  };

  const inner = createGradientLearner({
    params,
    loss: (batch: Batch) => {
      const run = network.run(params, batch.x as tf.Tensor3D, spikeFn);
      measureActivity(run);
      const scores = voltageScores(run.v, loss, grid);
      return { loss: softmaxCrossEntropy(scores, batch.y), scores };
    },
    // Unused: `predict` below encodes the input first.
    predict: () => {
      throw new PlasticityError('E_USAGE', 'bptt: internal predict is not used');
    },
    metrics: (batch, scores) => ({
      ...accuracyMetric(batch, scores),
      ...(activity ? { hiddenRate: activity.rate, silentFraction: activity.silent } : {}),
    }),
    optimizer: config.optimizer,
    learningRate: config.learningRate,
    optimizerOptions: config,
  });

  async function trainStep(batch: Batch) {
    const { spikes, owned } = await input.spikes(batch.x);
    try {
      return await inner.trainStep({ x: spikes, y: batch.y, size: batch.size });
    } finally {
      if (owned) spikes.dispose();
      if (activity) tf.dispose([activity.rate, activity.silent]);
      activity = undefined;
    }
  }

  // Async: dense features are latency coded on the host, and reading them must not block WebGPU.
  async function predict(x: BatchInput): Promise<tf.Tensor2D> {
    const { spikes, owned } = await input.spikes(x);
    try {
      return tf.tidy(() => voltageScores(network.run(params, spikes, heaviside).v, loss, grid));
    } finally {
      if (owned) spikes.dispose();
    }
  }

  async function inspect(x: BatchInput, options: InspectOptions = {}): Promise<Inspection> {
    const { spikes, owned } = await input.spikes(x);
    try {
      const samples = Math.min(options.samples ?? 4, spikes.shape[1]);
      const picked = tf.tidy(() => {
        const head = tf.slice(spikes, [0, 0, 0], [-1, samples, -1]);
        const run = network.run(params, head, heaviside);
        return [head, ...run.hidden, run.v];
      });
      const values = await Promise.all(picked.map((t) => t.data() as Promise<Float32Array>));
      const shapes = picked.map((t) => t.shape);
      tf.dispose(picked);
      const names = ['input', ...network.hiddenLayers.map((l) => l.name)];
      const layers = names.map((name, k) => ({
        name,
        size: shapes[k][2],
        samples: eventLists(values[k], shapes[k], samples, grid.dt),
      }));
      // Voltages every `stride` steps (the grid is as fine as traces get).
      const stride = Math.max(1, Math.round((options.traceDt ?? grid.dt) / grid.dt));
      const trace = traceSamples(values[values.length - 1], grid.steps, samples, outputs, stride);
      return {
        duration: grid.steps * grid.dt,
        layers,
        traces: {
          name: network.readout.name,
          dt: stride * grid.dt,
          steps: trace.steps,
          units: outputs,
          samples: trace.samples,
        },
      };
    } finally {
      if (owned) spikes.dispose();
    }
  }

  return bpttLearner(inner, { params, grid, trainStep, predict, inspect });
}

/** Surrogate-gradient BPTT: lifExp spiking networks trained through tfjs autodiff. */
export const bpttRule: RulePlugin<BpttConfig> = {
  name: 'bptt',
  package: { name: '@plasticity/rule-bptt' },
  summary:
    'Spiking network (LIF with exponential synapses, leaky-integrator readout) trained by backpropagation through time with a surrogate spike derivative.',
  configSchema: bpttConfigSchema,
  recipes: bpttRecipes,
  metrics: {
    loss: {
      label: 'BPTT training loss',
      description:
        "the configured loss, batch mean: voltage readouts are the cross-entropy of the readout's voltage scores (step-voltage: summed over steps); spike-count-ce is the cross-entropy of output spike counts, spike-rate-mse their squared error to target rates",
    },
    accuracy: { label: 'training accuracy (during the epoch)' },
    ...HIDDEN_ACTIVITY_METRICS,
  },
  inputs: ['dense', 'spikes', 'events'],
  create: createBpttLearner,
  // The `layers` form's network; the classic form (hidden, recurrent) is not a layer chain.
  layerChain: (learner, config) => layeredChain(learner as BpttLearner, config),
};
