import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError, createGradientLearner, accuracyMetric } from '@plasticity/core-tensors';
import type {
  Batch,
  BatchInput,
  InspectOptions,
  Inspection,
  LayerChain,
  TaskSpec,
} from '@plasticity/core-tensors';
import { createSpikingNetwork, layerConfigError, surrogateFunction } from '@plasticity/neurons';
import type { LayerSpec, NetworkRun, SpikingNetwork } from '@plasticity/neurons';
import type { BpttConfig } from './config.js';
import { spikeActivity } from './activity.js';
import type { SpikeActivity } from './activity.js';
import { frameInput } from './frame.js';
import { layeredObjective } from './objective.js';
import { eventLists, traceSamples } from './inspect.js';
import type { SpikeInput } from './input.js';
import { bpttLearner } from './rule.js';
import type { BpttLearner } from './rule.js';

/** The neurons package's layer errors as config errors on `layers[i].field`. */
function buildNetwork(
  config: BpttConfig,
  inputShape: readonly number[],
  dt: number,
  seed: number,
): SpikingNetwork {
  try {
    // Neuron layers step on the input grid unless a layer sets its own dt.
    return createSpikingNetwork(config.layers as unknown as LayerSpec[], inputShape, {
      seed,
      dt,
      surrogate: surrogateFunction(config.surrogate, config.surrogateScale),
    });
  } catch (error) {
    throw layerConfigError(error, 'bptt');
  }
}

const CLASSIC_ONLY = ['init', 'recurrentInit'] as const;

/**
 * A BPTT learner for a `layers` config: the network comes from `createSpikingNetwork` on the
 * input grid's channels (or `frame` images), the loss and scores from the neurons vocabulary
 * (classification) or the output trace against the target series (regression, `trace-mse`).
 */
export function createLayeredLearner(
  config: BpttConfig,
  task: TaskSpec,
  input: SpikeInput,
  seed: number,
): BpttLearner {
  for (const field of CLASSIC_ONLY) {
    if (config[field] !== undefined) {
      throw new PlasticityError(
        'E_CONFIG',
        `bptt: ${field} belongs to the hidden form; with layers, set init per layer`,
        {
          field,
        },
      );
    }
  }
  const { grid } = input;
  const objective = layeredObjective(config, task, grid.steps);
  const outputs = objective.units;
  const frame = config.frame ? frameInput(config.frame, grid.channels) : undefined;
  const network = buildNetwork(config, frame?.shape ?? [grid.channels], grid.dt, seed);
  if (network.outputShape.length !== 1 || network.outputShape[0] !== outputs) {
    network.dispose();
    const per = task.kind === 'classification' ? 'class' : 'channel of the target series';
    throw new PlasticityError(
      'E_CONFIG',
      `bptt: the last layer must give one unit per ${per} ([${outputs}]), got [${network.outputShape.join(', ')}]`,
      { field: `layers[${network.layers.length - 1}]` },
    );
  }
  const lastType = network.layers[network.layers.length - 1].type;
  // Spike losses read spikes; voltage losses an li readout's voltage or a spiking layer's membrane.
  const spikeLoss = config.loss.startsWith('spike-');
  if (spikeLoss && lastType === 'li') {
    network.dispose();
    throw new PlasticityError(
      'E_CONFIG',
      `bptt: loss '${config.loss}' needs a spiking output layer last, got 'li'`,
      { field: 'loss', value: config.loss },
    );
  }
  if (!('model' in network.layers[network.layers.length - 1])) {
    network.dispose();
    throw new PlasticityError(
      'E_CONFIG',
      `bptt: the last layer must be a neuron layer (a spiking one or an 'li' readout), got '${lastType}'`,
      { field: `layers[${network.layers.length - 1}]` },
    );
  }
  // The network keeps the output layer's voltage, which voltage losses read.
  const runOptions = { steps: grid.steps };
  const framed = (spikes: tf.Tensor3D) => (frame ? frame.toFrames(spikes) : spikes);
  const windowSeconds = (grid.steps * grid.dt) / 1000;
  // Spiking layers before the output: their activity is what `hiddenRate` reports.
  const hidden = network.layers.slice(0, -1).filter((l) => 'model' in l && l.type !== 'li');

  let activity: SpikeActivity | undefined;
  const measureActivity = (run: NetworkRun): void => {
    if (hidden.length === 0) return;
    activity = spikeActivity(
      hidden.map((l) => run.layers[l.index].spikes!),
      windowSeconds,
    );
  };

  const inner = createGradientLearner({
    params: network.params,
    loss: (batch: Batch) => {
      const run = network.run(framed(batch.x as tf.Tensor3D), runOptions);
      measureActivity(run);
      return { loss: objective.loss(run, batch.y), scores: objective.scores(run) };
    },
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

  async function withSpikes<T>(x: BatchInput, use: (spikes: tf.Tensor3D) => Promise<T> | T): Promise<T> {
    const { spikes, owned } = await input.spikes(x);
    try {
      return await use(spikes);
    } finally {
      if (owned) spikes.dispose();
    }
  }

  const trainStep = (batch: Batch) =>
    withSpikes(batch.x, async (spikes) => {
      try {
        return await inner.trainStep({ x: spikes, y: batch.y, size: batch.size });
      } finally {
        if (activity) tf.dispose([activity.rate, activity.silent]);
        activity = undefined;
      }
    });

  const predict = (x: BatchInput) =>
    withSpikes(x, (spikes) => tf.tidy(() => objective.scores(network.run(framed(spikes), runOptions))));

  // Rasters of the input (unless it is a held current) and every spiking layer (flattened), and
  // the output voltage the loss reads.
  const inspect = (x: BatchInput, options: InspectOptions = {}): Promise<Inspection> =>
    withSpikes(x, async (spikes) => {
      const samples = Math.min(options.samples ?? 4, spikes.shape[1]);
      const flat = (t: tf.Tensor) => tf.reshape(t, [grid.steps, samples, -1]);
      const named: string[] = [];
      const picked = tf.tidy(() => {
        const head = tf.slice(spikes, [0, 0, 0], [-1, samples, -1]);
        const run = network.run(framed(head), runOptions);
        const out: tf.Tensor[] = [];
        if (head.shape[0] === grid.steps) {
          named.push('input');
          out.push(head);
        }
        network.layers.forEach((l) => {
          const trace = run.layers[l.index];
          if (trace.spikes) {
            named.push(`layer${l.index} (${l.type})`);
            out.push(flat(trace.spikes));
          }
        });
        if (!spikeLoss) out.push(flat(run.v!));
        return out;
      });
      const values = await Promise.all(picked.map((t) => t.data() as Promise<Float32Array>));
      const sizes = picked.map((t) => t.size / (grid.steps * samples));
      tf.dispose(picked);
      const result = named.map((name, k) => ({
        name,
        size: sizes[k],
        samples: eventLists(values[k], [grid.steps, samples, sizes[k]], samples, grid.dt),
      }));
      const base = { duration: grid.steps * grid.dt, layers: result };
      if (spikeLoss) return base;
      const stride = Math.max(1, Math.round((options.traceDt ?? grid.dt) / grid.dt));
      const trace = traceSamples(values[values.length - 1], grid.steps, samples, outputs, stride);
      const name = `layer${network.layers.length - 1} (${lastType})`;
      return {
        ...base,
        traces: { name, dt: stride * grid.dt, steps: trace.steps, units: outputs, samples: trace.samples },
      };
    });

  return bpttLearner(inner, {
    params: inner.params,
    grid,
    trainStep,
    predict,
    inspect,
    dispose: () => network.dispose(),
  });
}

/** A `layers` learner's network as a layer chain (what `plasticity export --nir` writes). */
export function layeredChain(learner: BpttLearner, config: BpttConfig): LayerChain | undefined {
  if (!config.layers) return undefined;
  const { grid } = learner;
  const frame = config.frame ? frameInput(config.frame, grid.channels) : undefined;
  return {
    layers: config.layers as unknown as LayerChain['layers'],
    inputShape: frame?.shape ?? [grid.channels],
    dt: grid.dt,
    params: learner.params,
  };
}
