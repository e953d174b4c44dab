import * as tf from '@tensorflow/tfjs-core';
import {
  PlasticityError,
  createGradientStep,
  createRng,
  denseBatch,
  denseFeatureCount,
  paramName,
  stepLearner,
} from '@plasticity/core-tensors';
import type {
  Batch,
  BatchInput,
  InspectOptions,
  Inspection,
  Learner,
  ParamMap,
  StepMetrics,
  TaskSpec,
} from '@plasticity/core-tensors';
import { ThetaNetwork, thetaNeuron, thetaParamsLike } from '@plasticity/neurons';
import type { SpikeTrain, ThetaNetworkSpec, ThetaParams } from '@plasticity/neurons';
import { runSlice } from './batch.js';
import type { SliceObjective, SlicePart } from './batch.js';
import type { SmoothExactConfig } from './config.js';
import { codeFeatures, trainOf } from './input.js';
import type { PackedTrains } from './input.js';
import { SliceThreads } from './parallel/threads.js';

const RULE = 'smooth-exact';

/** The network a config describes for a task. */
export function thetaNetworkSpec(config: SmoothExactConfig, task: TaskSpec): ThetaNetworkSpec {
  if (task.kind !== 'classification' || !(Number.isInteger(task.outputs) && task.outputs > 1)) {
    throw new PlasticityError(
      'E_CONFIG',
      `${RULE} trains classifiers (task.kind classification, ≥ 2 classes)`,
      {
        field: 'task.kind',
      },
    );
  }
  const features = denseFeatureCount(task, RULE);
  return {
    neuron: thetaNeuron({ tau: config.tau, drive: config.drive }),
    sizes: [features, ...config.hidden, task.outputs],
    duration: config.duration,
    pseudospikes: config.pseudospikes,
  };
}

/** Weights U(±scale/√fan_in) and initial phases at `initialPhase`·Θ, as float32 variables. */
function createParams(spec: ThetaNetworkSpec, config: SmoothExactConfig, seed: number): ParamMap {
  const rng = createRng(seed).fork('init');
  const params: Record<string, tf.Variable> = {};
  spec.sizes.slice(1).forEach((n, l) => {
    const fanIn = spec.sizes[l];
    const width = config.weightScale / Math.sqrt(fanIn);
    const values = rng.fork(`layer${l}/kernel`).uniformArray(fanIn * n, -width, width);
    const kernel = tf.tensor2d(values, [fanIn, n]);
    params[paramName(l, 'kernel')] = tf.variable(kernel, true);
    const phase = tf.fill([n], config.initialPhase * spec.neuron.period);
    params[paramName(l, 'phase')] = tf.variable(phase, config.trainPhases);
    tf.dispose([kernel, phase]);
  });
  return params;
}

/** The params' values as float64 host arrays. */
async function hostParams(spec: ThetaNetworkSpec, params: ParamMap): Promise<ThetaParams> {
  const layers = spec.sizes.length - 1;
  const read = (kind: 'kernel' | 'phase') =>
    Promise.all(Array.from({ length: layers }, (_, l) => params[paramName(l, kind)].data()));
  const [kernels, phases] = await Promise.all([read('kernel'), read('phase')]);
  return {
    kernels: kernels.map((k) => Float64Array.from(k)),
    phases: phases.map((p) => Float64Array.from(p)),
  };
}

/** A smooth-exact learner: what `smoothExactRule.create` returns. */
export interface SmoothExactLearner extends Learner {
  readonly network: ThetaNetwork;
  readonly iterations: number;
}

/** Where the learner's worker threads come from (tests point it at the built script). */
export interface SmoothExactLearnerOptions {
  readonly workerUrl?: URL;
}

/** Builds the learner for a validated config (what `smoothExactRule.create` does). */
export function createSmoothExactLearner(
  config: SmoothExactConfig,
  task: TaskSpec,
  seed: number,
  options: SmoothExactLearnerOptions = {},
): SmoothExactLearner {
  const spec = thetaNetworkSpec(config, task);
  const network = new ThetaNetwork(spec);
  const { sizes, duration, neuron } = spec;
  const features = sizes[0];
  const outputs = sizes[sizes.length - 1];
  const hiddenCount = sizes.slice(1, -1).reduce((a, b) => a + b, 0);
  const step = createGradientStep(createParams(spec, config, seed), config);
  const flipRng = createRng(seed).fork('flip');
  const objective: SliceObjective = {
    loss: { tau0: 1, tau1: duration, alpha: config.earlySpike, silentPush: 0 },
    // Pseudospike times lie beyond T: the loss must see them as they are.
    silentTime: config.pseudospikes ? Infinity : duration,
  };
  // Worker threads start with the first batch (starting them is asynchronous).
  let threads: Promise<SliceThreads | undefined> | undefined;
  const startThreads = () =>
    (threads ??= SliceThreads.start(network, objective, config.threads, options.workerUrl));

  /** The batch's parts, on all threads when there are several. */
  async function run(
    params: ThetaParams,
    input: PackedTrains,
    labels?: Int32Array,
    grads?: ThetaParams,
  ): Promise<SlicePart[]> {
    const parallel = await startThreads();
    if (parallel !== undefined) return parallel.run(params, input, labels, grads);
    return [runSlice(network, params, input, objective, labels, input.size, grads)];
  }

  async function code(x: BatchInput, flip: boolean): Promise<PackedTrains> {
    const dense = denseBatch(x, features, RULE);
    const size = dense.shape[0];
    const values = await dense.data();
    if (dense !== x) dense.dispose();
    // The flips depend only on (seed, optimiser step), so a resumed run draws the same ones.
    const augment = flip && config.flipProbability > 0;
    const rng = augment ? flipRng.fork(step.iterations) : undefined;
    const probability = config.flipProbability;
    return codeFeatures(
      values as Float32Array,
      size,
      features,
      config.inputBins,
      duration,
      rng && { probability, rng },
    );
  }

  const joinScores = (parts: readonly SlicePart[]): Float32Array => {
    const scores = new Float32Array(parts.reduce((n, p) => n + p.scores.length, 0));
    let offset = 0;
    for (const part of parts) {
      scores.set(part.scores, offset);
      offset += part.scores.length;
    }
    return scores;
  };

  const gradTensors = (grads: ThetaParams): Record<string, tf.Tensor> => {
    const out: Record<string, tf.Tensor> = {};
    sizes.slice(1).forEach((n, l) => {
      out[paramName(l, 'kernel')] = tf.tensor2d(Float32Array.from(grads.kernels[l]), [sizes[l], n]);
      if (config.trainPhases) out[paramName(l, 'phase')] = tf.tensor1d(Float32Array.from(grads.phases[l]));
    });
    return out;
  };

  // Phases live in [0, Θ] (the paper clips them after every step).
  const clipPhases = () =>
    sizes.slice(1).forEach((_, l) => {
      const phase = step.params[paramName(l, 'phase')] as tf.Variable;
      tf.tidy(() => phase.assign(tf.clipByValue(phase, 0, neuron.period)));
    });

  async function trainStep(batch: Batch): Promise<StepMetrics> {
    const [params, input, labels] = await Promise.all([
      hostParams(spec, step.params),
      code(batch.x, true),
      batch.y.data(),
    ]);
    const grads = thetaParamsLike(spec);
    const parts = await run(params, input, Int32Array.from(labels), grads);
    const loss = parts.reduce((sum, p) => sum + p.loss, 0) / input.size;
    if (!Number.isFinite(loss)) {
      throw new PlasticityError('E_DIVERGED', `${RULE}: the loss is ${loss}`, { loss });
    }
    const tensors = gradTensors(grads);
    step.apply(tensors);
    tf.dispose(tensors);
    if (config.trainPhases) clipPhases();
    const scores = joinScores(parts);
    let correct = 0;
    for (let b = 0; b < input.size; b++) {
      let best = 0;
      for (let i = 1; i < outputs; i++) if (scores[b * outputs + i] > scores[b * outputs + best]) best = i;
      if (best === labels[b]) correct++;
    }
    const fired = new Uint8Array(hiddenCount);
    for (const part of parts) part.fired.forEach((f, k) => (fired[k] |= f));
    return {
      loss,
      accuracy: correct / input.size,
      hiddenSpikes: parts.reduce((sum, p) => sum + p.hiddenSpikes, 0) / (input.size * hiddenCount),
      silentFraction: 1 - fired.reduce((a, f) => a + f, 0) / hiddenCount,
    };
  }

  /** Spikes of every layer (inputs first) for the first samples of `x`. */
  async function inspect(x: BatchInput, options: InspectOptions = {}): Promise<Inspection> {
    const [params, input] = await Promise.all([hostParams(spec, step.params), code(x, false)]);
    const count = Math.min(options.samples ?? 4, input.size);
    const copy = (train: SpikeTrain) => ({
      times: Float32Array.from(train.times.subarray(0, train.count)),
      units: Int32Array.from(train.sources.subarray(0, train.count)),
    });
    const rasters = sizes.map(() => [] as { times: Float32Array; units: Int32Array }[]);
    for (let b = 0; b < count; b++) {
      rasters[0].push(copy(trainOf(input, b)));
      network.run(params, trainOf(input, b));
      for (let l = 1; l < sizes.length; l++) rasters[l].push(copy(network.layerSpikes(l - 1)));
    }
    const names = sizes.map((_, l) =>
      l === 0 ? 'input' : l === sizes.length - 1 ? 'output' : `hidden ${l}`,
    );
    return {
      duration,
      layers: sizes.map((size, l) => ({ name: names[l], size, samples: rasters[l] })),
    };
  }

  return stepLearner(step, {
    network,
    trainStep,
    inspect,
    async predict(x: BatchInput) {
      const [params, input] = await Promise.all([hostParams(spec, step.params), code(x, false)]);
      return tf.tensor2d(joinScores(await run(params, input)), [input.size, outputs]);
    },
    dispose: () => void threads?.then((parallel) => parallel?.dispose()),
  });
}
