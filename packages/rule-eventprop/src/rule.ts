import * as tf from '@tensorflow/tfjs-core';
import {
  HIDDEN_ACTIVITY_METRICS,
  PlasticityError,
  accuracyMetric,
  createGradientStep,
  createRng,
  normalTensor,
  readMetrics,
  stepLearner,
  paramName,
} from '@plasticity/core-tensors';
import type {
  Batch,
  BatchInput,
  InspectOptions,
  Learner,
  ParamMap,
  RulePlugin,
  StepMetrics,
  TaskSpec,
} from '@plasticity/core-tensors';
import { eventpropConfigSchema } from './config.js';
import type { EventpropConfig, NormalInit } from './config.js';
import { EventPropNetwork } from '@plasticity/neurons';
import type { LayerSpec, NetworkSpec } from '@plasticity/neurons';
import { layerNetwork } from './layers.js';
import { lifConstants, lifExpParams, stationaryTime, voltageAfter } from '@plasticity/neurons';
import type { LifConstants } from '@plasticity/neurons';
import { downloadWeights, gradientTensors } from '@plasticity/neurons';
import { hostSamples, inputChannels, threadInput } from './inputs.js';
import type { HostSamples } from '@plasticity/neurons';
import type { InputCoding } from './inputs.js';
import { inspectNetwork } from './inspect.js';
import { EVENT_LOSS_OUTPUT, runBatch, scoreSamples } from '@plasticity/neurons';
import type { ObjectiveOptions } from '@plasticity/neurons';
import { EngineThreads } from './parallel/engine-threads.js';
import { eventpropLayerChain } from './nir-chain.js';
import { eventpropRecipes } from './recipes.js';

/** How the task's inputs reach the network, and the simulated window (ms). */
function inputCoding(config: EventpropConfig, task: TaskSpec): { coding: InputCoding; duration: number } {
  if (task.kind !== 'classification' || !(Number.isInteger(task.outputs) && task.outputs > 1)) {
    throw new PlasticityError(
      'E_CONFIG',
      'eventprop trains classifiers (task.kind classification, ≥ 2 classes)',
      {
        field: 'task.kind',
      },
    );
  }
  const input = task.input;
  if (input.kind === 'events') {
    return {
      coding: { kind: 'events', channels: input.channels },
      duration: config.duration ?? input.duration,
    };
  }
  if (input.kind === 'dense') {
    const features = input.shape.reduce((a, b) => a * b, 1);
    const { encoder } = config;
    // Rounding to the grid may move a spike half a step later.
    const last = Math.max(encoder.t0 + encoder.span, encoder.bias?.time ?? 0) + (encoder.resolution ?? 0) / 2;
    const duration = config.duration ?? last + 2 * config.tauMem;
    if (!(last < duration)) {
      throw new PlasticityError(
        'E_CONFIG',
        `duration ${duration} ms must exceed the encoder's last spike time ${last} ms`,
        { field: 'duration' },
      );
    }
    return { coding: { kind: 'dense', features, encoder, duration }, duration };
  }
  throw new PlasticityError(
    'E_CONFIG',
    'eventprop simulates exact spike times: give it dense features or event lists, not time-binned spikes',
    { field: 'task.input.kind', value: input.kind },
  );
}

/** The network a config describes for a task. */
export function networkSpec(
  config: EventpropConfig,
  task: TaskSpec,
): { spec: NetworkSpec; coding: InputCoding; inits: Readonly<Record<string, NormalInit>> } {
  const { coding, duration } = inputCoding(config, task);
  const inputs = inputChannels(coding);
  const network = config.layers
    ? layerNetwork(config.layers as unknown as LayerSpec[], config, inputs, task.outputs)
    : {
        hidden: config.hidden.map((h) => (typeof h === 'number' ? { size: h, recurrent: false } : h)),
        output: EVENT_LOSS_OUTPUT[config.loss],
        model: lifExpParams({ tauMem: config.tauMem, tauSyn: config.tauSyn, threshold: config.threshold }),
        inits: {},
      };
  const spec: NetworkSpec = {
    inputs,
    hidden: network.hidden,
    outputs: task.outputs,
    output: network.output,
    model: network.model,
    duration,
    maxSpikesPerNeuron: config.maxSpikesPerNeuron,
  };
  return { spec, coding, inits: network.inits };
}

/** Peak of the voltage one unit of current produces from rest. */
function peakResponse(c: LifConstants): number {
  return voltageAfter(c, 0, 1, stationaryTime(c, 0, 1));
}

/**
 * Default init of a layer with `fanIn` inputs: the mean puts the summed peak responses of all
 * inputs at the threshold, the spread lets single neurons differ by about that much.
 */
export function defaultInit(c: LifConstants, fanIn: number): NormalInit {
  const unit = c.threshold / peakResponse(c);
  return { mean: unit / fanIn, std: unit / Math.sqrt(fanIn) };
}

function createParams(
  spec: NetworkSpec,
  config: EventpropConfig,
  network: EventPropNetwork,
  seed: number,
  inits: Readonly<Record<string, NormalInit>>,
): ParamMap {
  const rng = createRng(seed).fork('init');
  const c = lifConstants(spec.model);
  const layers = spec.hidden.length + 1;
  if (config.init !== undefined && config.init.length !== layers) {
    throw new PlasticityError(
      'E_CONFIG',
      `init lists ${config.init.length} layers; this network has ${layers} (hidden layers then output)`,
      { field: 'init' },
    );
  }
  const params: Record<string, tf.Variable> = {};
  for (const [name, [rows, cols]] of Object.entries(network.shapes)) {
    const [, index, kind] = name.split('.'); // layers.{k}.{kernel|recurrent}
    const layer = Number(index);
    const { mean, std } =
      inits[name] ??
      (kind === 'recurrent' ? config.recurrentInit : (config.init?.[layer] ?? defaultInit(c, rows)));
    // Random streams keep their 0.1 labels, so a seed draws the weights it drew before.
    const stream = rng.fork(`layer${layer}/${kind}`);
    params[name] = tf.tidy(() => tf.variable(normalTensor(stream, [rows, cols], mean, std), true));
  }
  return params;
}

/** An EventProp learner: what `eventpropRule.create` returns. */
export interface EventPropLearner extends Learner {
  readonly network: EventPropNetwork;
  /** Optimiser steps taken so far. */
  readonly iterations: number;
}

/** L2 norm of all gradients together. */
function globalNorm(grads: Readonly<Record<string, Float64Array>>): number {
  let sum = 0;
  for (const g of Object.values(grads)) for (let k = 0; k < g.length; k++) sum += g[k] * g[k];
  return Math.sqrt(sum);
}

/** Where the learner's worker threads come from (tests point it at the built script). */
export interface EventPropLearnerOptions {
  readonly workerUrl?: URL;
}

/** Builds the learner for a validated config (what `eventpropRule.create` does). */
export function createEventPropLearner(
  config: EventpropConfig,
  task: TaskSpec,
  seed: number,
  options: EventPropLearnerOptions = {},
): EventPropLearner {
  const { spec, coding, inits } = networkSpec(config, task);
  const network = new EventPropNetwork(spec);
  const params = createParams(spec, config, network, seed, inits);
  const grads = network.gradientBuffers();
  const objective: ObjectiveOptions = {
    loss: config.loss,
    ttfs: config.ttfs,
    spikeRegularisation: config.spikeRegularisation,
  };
  const step = createGradientStep(params, config);

  // Worker threads start with the first batch (starting them is asynchronous).
  let engine: Promise<EngineThreads | undefined> | undefined;
  const threads = () =>
    (engine ??= EngineThreads.start(network, objective, config.threads, options.workerUrl, coding));

  const predictSamples = async (samples: HostSamples): Promise<tf.Tensor2D> => {
    const parallel = await threads();
    let scores: Float32Array;
    if (parallel !== undefined) {
      scores = await parallel.scores(samples);
    } else {
      scores = new Float32Array(samples.size * spec.outputs);
      scoreSamples(network, samples.size, (b) => samples.sample(b), scores);
    }
    return tf.tensor2d(scores, [samples.size, spec.outputs]);
  };

  // Raises every input weight of the hidden neurons that stayed silent for a whole batch.
  function boostSilent(silent: readonly Uint8Array[]): void {
    silent.forEach((flags, k) => {
      if (!flags.includes(1)) return;
      const kernel = params[paramName(k, 'kernel')];
      tf.tidy(() => {
        const lift = tf.tensor2d(
          Float32Array.from(flags, (f) => f * config.silentBoost),
          [1, flags.length],
        );
        kernel.assign(tf.add(kernel, lift));
      });
    });
  }

  async function trainStep(batch: Batch): Promise<StepMetrics> {
    const parallel = await threads();
    // With threads, dense features are coded by each thread for its own slice.
    const [input, labels] = await Promise.all([
      parallel !== undefined ? threadInput(batch.x, coding) : hostSamples(batch.x, coding),
      batch.y.data(),
      downloadWeights(network, params),
    ]);
    for (const g of Object.values(grads)) g.fill(0);
    const result =
      parallel !== undefined
        ? await parallel.run(input, labels, grads)
        : runBatch(network, input.size, (b) => (input as HostSamples).sample(b), labels, objective, grads);
    if (!Number.isFinite(result.loss)) {
      throw new PlasticityError('E_DIVERGED', `eventprop: the loss is ${result.loss}`, { loss: result.loss });
    }
    const gradientNorm = globalNorm(grads);
    if (config.clipNorm !== undefined && gradientNorm > config.clipNorm) {
      const scale = config.clipNorm / gradientNorm;
      for (const g of Object.values(grads)) for (let k = 0; k < g.length; k++) g[k] *= scale;
    }
    const metrics = await readMetrics(() => {
      step.apply(gradientTensors(network, grads));
      const scores = tf.tensor2d(result.scores, [input.size, spec.outputs]);
      return { loss: tf.scalar(result.loss), ...accuracyMetric(batch, scores) };
    });
    if (config.silentBoost > 0) boostSilent(result.silent);
    return {
      ...(metrics as StepMetrics),
      // Spikes per hidden neuron per sample → Hz, the unit BPTT reports too.
      hiddenRate: (result.hiddenRate * 1000) / spec.duration,
      silentFraction: result.silentFraction,
      gradientNorm,
    };
  }

  return stepLearner(step, {
    network,
    trainStep,
    // Async: the weights and the input are read without blocking WebGPU.
    async predict(x: BatchInput) {
      const [samples] = await Promise.all([hostSamples(x, coding), downloadWeights(network, params)]);
      return predictSamples(samples);
    },
    async inspect(x: BatchInput, options?: InspectOptions) {
      await downloadWeights(network, params);
      return inspectNetwork(network, await hostSamples(x, coding), options);
    },
    dispose: () => void engine?.then((parallel) => parallel?.dispose()),
  });
}

/** EventProp: exact gradients of spiking networks from an event-driven simulation. */
export const eventpropRule: RulePlugin<EventpropConfig> = {
  name: 'eventprop',
  package: { name: '@plasticity/rule-eventprop' },
  summary:
    'Spiking LIF networks trained with EventProp: exact event-driven simulation and adjoint gradients (TTFS or voltage losses).',
  configSchema: eventpropConfigSchema,
  recipes: eventpropRecipes,
  metrics: {
    loss: {
      label: 'EventProp training objective',
      description:
        "the configured loss, mean per sample: ttfs is the cross-entropy of −t/τ0 plus α·(e^(t/τ1) − 1) and the silent-label push; voltage losses are the cross-entropy of the readout's voltage scores",
    },
    accuracy: { label: 'training accuracy (during the epoch)' },
    ...HIDDEN_ACTIVITY_METRICS,
    gradientNorm: { label: 'gradient norm (before clipping)' },
  },
  inputs: ['dense', 'events'],
  create: createEventPropLearner,
  layerChain: (learner, _config, _task, options) => eventpropLayerChain(learner, options),
};
