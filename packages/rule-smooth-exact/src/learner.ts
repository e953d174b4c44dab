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
import { ThetaNetwork, thetaNeuron, thetaParamsLike, ttfsLoss } from '@plasticity/neurons';
import type { SpikeTrain, ThetaNetworkSpec, ThetaParams } from '@plasticity/neurons';
import type { SmoothExactConfig } from './config.js';
import { codeFeatures } from './input.js';
import type { CodedBatch } from './input.js';

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
    params[paramName(l, 'kernel')] = tf.variable(tf.tensor2d(values, [fanIn, n]), true);
    const phase = tf.fill([n], config.initialPhase * spec.neuron.period);
    params[paramName(l, 'phase')] = tf.variable(phase, config.trainPhases);
    phase.dispose();
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

/** What one pass over a batch gives. */
interface BatchPass {
  readonly loss: number;
  /** `[B, outputs]`: −(output time); a silent output without pseudospikes scores −2T. */
  readonly scores: Float32Array;
  /** Hidden spikes per neuron per sample. */
  readonly hiddenSpikes: number;
  /** Fraction of hidden neurons silent in every sample. */
  readonly silentFraction: number;
}

/** A smooth-exact learner: what `smoothExactRule.create` returns. */
export interface SmoothExactLearner extends Learner {
  readonly network: ThetaNetwork;
  readonly iterations: number;
}

/** Builds the learner for a validated config (what `smoothExactRule.create` does). */
export function createSmoothExactLearner(
  config: SmoothExactConfig,
  task: TaskSpec,
  seed: number,
): SmoothExactLearner {
  const spec = thetaNetworkSpec(config, task);
  const network = new ThetaNetwork(spec);
  const { sizes, duration, neuron } = spec;
  const features = sizes[0];
  const outputs = sizes[sizes.length - 1];
  const hiddenSizes = sizes.slice(1, -1);
  const hiddenCount = hiddenSizes.reduce((a, b) => a + b, 0);
  const step = createGradientStep(createParams(spec, config, seed), config);
  const flipRng = createRng(seed).fork('flip');
  const lossOptions = { tau0: 1, tau1: duration, alpha: config.earlySpike, silentPush: 0 };
  // Pseudospike times lie beyond T: the loss must see them as they are.
  const silentTime = config.pseudospikes ? Infinity : duration;

  async function code(x: BatchInput, flip: boolean): Promise<CodedBatch> {
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

  function pass(params: ThetaParams, input: CodedBatch, labels?: Int32Array, grads?: ThetaParams): BatchPass {
    const scores = new Float32Array(input.size * outputs);
    const dTimes = new Float64Array(outputs);
    const scratch = new Float64Array(outputs);
    const fired = new Uint8Array(hiddenCount);
    let loss = 0;
    let hiddenSpikes = 0;
    for (let b = 0; b < input.size; b++) {
      const result = network.run(params, input.sample(b));
      for (let i = 0; i < outputs; i++) {
        const t = result.outputTimes[i];
        scores[b * outputs + i] = Number.isFinite(t) ? -t : -2 * duration;
      }
      let offset = 0;
      hiddenSizes.forEach((_, l) => {
        const train = network.layerSpikes(l);
        hiddenSpikes += train.count;
        for (let k = 0; k < train.count; k++) fired[offset + train.sources[k]] = 1;
        offset += hiddenSizes[l];
      });
      if (labels !== undefined) {
        loss += ttfsLoss(result.outputTimes, labels[b], lossOptions, silentTime, dTimes, scratch);
        if (grads !== undefined) {
          for (let i = 0; i < outputs; i++) dTimes[i] /= input.size;
          network.backward(params, dTimes, grads);
        }
      }
    }
    return {
      loss: loss / input.size,
      scores,
      hiddenSpikes: hiddenSpikes / (input.size * hiddenCount),
      silentFraction: 1 - fired.reduce((a, f) => a + f, 0) / hiddenCount,
    };
  }

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
    const result = pass(params, input, Int32Array.from(labels), grads);
    if (!Number.isFinite(result.loss)) {
      throw new PlasticityError('E_DIVERGED', `${RULE}: the loss is ${result.loss}`, { loss: result.loss });
    }
    const tensors = gradTensors(grads);
    step.apply(tensors);
    tf.dispose(tensors);
    if (config.trainPhases) clipPhases();
    let correct = 0;
    for (let b = 0; b < input.size; b++) {
      let best = 0;
      for (let i = 1; i < outputs; i++)
        if (result.scores[b * outputs + i] > result.scores[b * outputs + best]) best = i;
      if (best === labels[b]) correct++;
    }
    return {
      loss: result.loss,
      accuracy: correct / input.size,
      hiddenSpikes: result.hiddenSpikes,
      silentFraction: result.silentFraction,
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
      rasters[0].push(copy(input.sample(b)));
      network.run(params, input.sample(b));
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
      return tf.tensor2d(pass(params, input).scores, [input.size, outputs]);
    },
  });
}
