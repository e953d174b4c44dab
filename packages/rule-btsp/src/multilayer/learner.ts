import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError, createRng, denseBatch, denseFeatureCount } from '@plasticity/core-tensors';
import type { Batch, BatchInput, Learner, StepMetrics, TaskSpec } from '@plasticity/core-tensors';
import type { BtspConfig } from './config.js';
import {
  createSamplePass,
  excitatoryName,
  forwardBatch,
  forwardSample,
  initialLayers,
  layerShapes,
  layerSizes,
} from './network.js';
import type { HostLayer } from './network.js';
import { topDownPlateaus } from './top-down.js';
import { btspRowUpdate, depressionGate, gateEligibility, hebbianRowUpdate, scaleRow } from './update.js';
import type { Eligibility } from './update.js';

const RULE = 'btsp';

export interface BtspLearner extends Learner {
  /** The layers' weights on the host, input side first, as of the last step (tests and analysis). */
  readonly layers: readonly HostLayer[];
  /** Steps taken so far. */
  readonly iterations: number;
}

const previousPlateauName = (l: number) => `previous.${l}.plateau`;
const previousEligibilityName = (l: number) => `previous.${l}.eligibility`;
const normName = (l: number) => `scaling.${l}.total`;
const ITERATIONS = 'iterations';

/**
 * Builds the learner for a validated config (what `btspRule.create` does). Training is online and
 * runs on the host: every sample of a batch is a forward pass, a top-down phase and an update of
 * the rows of plateauing units only (about 5 % of a layer), before the next sample. The tensors
 * in `params` hold the weights between steps (read at the start of a step, written at its end),
 * so anything that edits them between steps (a checkpoint, an averaging optimiser) is seen.
 */
export function createBtspLearner(config: BtspConfig, task: TaskSpec, seed: number): BtspLearner {
  const features = denseFeatureCount(task, RULE);
  if (task.kind !== 'classification') {
    throw new PlasticityError('E_CONFIG', `${RULE} learns classification tasks; this task is ${task.kind}`, {
      field: 'task.kind',
      value: task.kind,
    });
  }
  const hiddenCount = config.hidden.length;
  const feedbackScale = config.feedbackScale ?? config.hidden.map(() => 1);
  if (feedbackScale.length !== hiddenCount) {
    throw new PlasticityError(
      'E_CONFIG',
      `feedbackScale has ${feedbackScale.length} entries; it needs one per hidden layer (${hiddenCount})`,
      { field: 'feedbackScale', value: feedbackScale },
    );
  }
  const sizes = layerSizes(config, features, task.outputs);
  const shapes = layerShapes(config, sizes);
  const rng = createRng(seed);
  const layers = initialLayers(config, sizes, rng.fork('init'));
  const last = layers.length - 1;
  const stepRng = rng.fork('steps');
  const gate = depressionGate({ threshold: config.depressionThreshold, width: config.depressionWidth });
  const discount = config.temporalDiscount;
  const plateauCounts = config.hidden.map((units) => Math.max(1, Math.ceil(config.plateauFraction * units)));

  // Each unit's summed weight at initialisation: what synaptic scaling keeps.
  const totals = layers.map((layer) => {
    const sums = new Float32Array(layer.units);
    for (let j = 0; j < layer.units; j++) {
      for (let i = 0; i < layer.inputs; i++) sums[j] += layer.weights[j * layer.inputs + i];
    }
    return sums;
  });
  // The previous sample's positive plateaus and eligibility of every layer (the BTSP window).
  const previousPlateau = layers.map((layer) => new Float32Array(layer.units));
  const eligibility: Eligibility[] = layers.map((layer) => ({
    current: new Float32Array(layer.inputs),
    previous: new Float32Array(layer.inputs),
    gateCurrent: new Float32Array(layer.inputs),
    gatePrevious: new Float32Array(layer.inputs),
    gateCurrentDiscounted: new Float32Array(layer.inputs),
  }));
  const pass = createSamplePass(sizes);
  const plateaus = layers.map((layer) => new Float32Array(layer.units));
  const widest = Math.max(...sizes);
  const scratch = new Float32Array(widest);
  const signal = new Float32Array(widest);

  // tidy frees each initial value; the variables (never tracked by tidy) stay.
  const weightVariables = tf.tidy(() =>
    layers.map((layer) =>
      tf.variable(tf.tensor2d(layer.weights.slice(), [layer.units, layer.inputs]), false),
    ),
  );
  let iterations = 0;
  let learningRate = config.learningRate;
  let disposed = false;

  const assertLive = () => {
    if (disposed) throw new PlasticityError('E_USAGE', 'this btsp learner has been disposed');
  };
  const input = (x: BatchInput) => denseBatch(x, features, RULE);

  /** Learns one sample; returns its squared error and whether the forward pass was right. */
  function learnSample(x: Float32Array, label: number, factor: number, uniforms?: Float32Array[]) {
    forwardSample(layers, shapes, x, pass, scratch);
    const output = pass.rates[last + 1];
    let best = 0;
    let loss = 0;
    for (let c = 0; c < output.length; c++) {
      if (output[c] > output[best]) best = c;
      loss += ((c === label ? 1 : 0) - output[c]) ** 2;
    }
    topDownPlateaus(layers, pass, label, { feedbackScale, plateauCounts, uniforms }, plateaus, signal);
    let active = 0;
    let plateauing = 0;
    layers.forEach((layer, l) => {
      const e = eligibility[l];
      const pre = pass.rates[l];
      for (let i = 0; i < layer.inputs; i++) e.current[i] = Math.min(1, Math.max(0, pre[i]));
      const hebbian = config.learning === 'hebbian' && l < last;
      if (!hebbian) gateEligibility(e, gate, discount);
      const rate = (l === last ? config.outputLearningRate : config.learningRate) * factor;
      const post = pass.rates[l + 1];
      for (let j = 0; j < layer.units; j++) {
        if (l < last) {
          if (post[j] > 0) active += 1;
          if (plateaus[l][j] !== 0) plateauing += 1;
        }
        const w = layer.weights.subarray(j * layer.inputs, (j + 1) * layer.inputs);
        if (hebbian) {
          // Competitive Hebb: the same budget of learning units as the plateaus, picked bottom-up.
          if (post[j] <= 0 || !winners(post, j, plateauCounts[l])) continue;
          hebbianRowUpdate(
            w,
            post[j],
            e.current,
            totals[l][j],
            config.hebbianLearningRate * factor,
            layer.weightMax,
          );
        } else {
          if (plateaus[l][j] === 0 && previousPlateau[l][j] <= 0) continue;
          btspRowUpdate(w, plateaus[l][j], previousPlateau[l][j], e, discount, rate, layer.weightMax);
        }
        if (config.synapticScaling && l < last) scaleRow(w, totals[l][j], layer.weightMax);
      }
      for (let j = 0; j < layer.units; j++) previousPlateau[l][j] = Math.max(0, plateaus[l][j]);
      e.previous.set(e.current);
    });
    return { loss, correct: best === label, active, plateauing };
  }

  /** Whether unit j is among the `count` most active units of `rates` (ties: lower index). */
  function winners(rates: Float32Array, j: number, count: number): boolean {
    let above = 0;
    for (let u = 0; u < rates.length && above < count; u++) {
      if (rates[u] > rates[j] || (rates[u] === rates[j] && u < j)) above += 1;
    }
    return above < count;
  }

  async function pullWeights(): Promise<void> {
    const values = await Promise.all(weightVariables.map((v) => v.data()));
    values.forEach((data, l) => layers[l].weights.set(data as Float32Array));
  }

  // Copies: the cpu backend would otherwise keep the host arrays as the tensors' storage, and the
  // next step would change them under anyone holding the tensors.
  function pushWeights(): void {
    layers.forEach((layer, l) =>
      tf.tidy(() =>
        weightVariables[l].assign(tf.tensor2d(layer.weights.slice(), [layer.units, layer.inputs])),
      ),
    );
  }

  async function trainStep(batch: Batch): Promise<StepMetrics> {
    assertLive();
    const x = input(batch.x);
    try {
      const [features_, labels] = await Promise.all([x.data(), batch.y.data()]);
      await pullWeights();
      const factor = learningRate / config.learningRate;
      const size = x.shape[0];
      let loss = 0;
      let correct = 0;
      let active = 0;
      let plateauing = 0;
      for (let b = 0; b < size; b++) {
        const sample = (features_ as Float32Array).subarray(b * features, (b + 1) * features);
        const draws = config.stochastic
          ? config.hidden.map((units, l) => stepRng.fork(iterations).fork(b).fork(l).uniformArray(units))
          : undefined;
        const result = learnSample(sample, labels[b], factor, draws);
        loss += result.loss;
        correct += result.correct ? 1 : 0;
        active += result.active;
        plateauing += result.plateauing;
      }
      pushWeights();
      iterations += 1;
      const hiddenUnits = size * config.hidden.reduce((a, b) => a + b, 0);
      return {
        loss: loss / size,
        accuracy: correct / size,
        activeFraction: active / hiddenUnits,
        plateauFraction: plateauing / hiddenUnits,
      };
    } finally {
      if (x !== batch.x) x.dispose();
    }
  }

  /** The host state that is not in `params`, as tensors (for checkpoints). */
  const stateTensors = (): Record<string, tf.Tensor> => {
    const state: Record<string, tf.Tensor> = {};
    layers.forEach((_, l) => {
      state[previousPlateauName(l)] = tf.tensor1d(previousPlateau[l].slice());
      state[previousEligibilityName(l)] = tf.tensor1d(eligibility[l].previous.slice());
      state[normName(l)] = tf.tensor1d(totals[l].slice());
    });
    return state;
  };
  const stateSizes = (): Record<string, Float32Array> => {
    const arrays: Record<string, Float32Array> = {};
    layers.forEach((_, l) => {
      arrays[previousPlateauName(l)] = previousPlateau[l];
      arrays[previousEligibilityName(l)] = eligibility[l].previous;
      arrays[normName(l)] = totals[l];
    });
    return arrays;
  };

  const params: Record<string, tf.Variable> = {};
  weightVariables.forEach((v, l) => (params[excitatoryName(l)] = v));

  return {
    params,
    layers,
    get iterations() {
      return iterations;
    },
    get learningRate() {
      return learningRate;
    },
    set learningRate(value: number) {
      learningRate = value;
    },
    trainStep,
    predict(x) {
      assertLive();
      const batch = input(x);
      try {
        return tf.tidy(() => forwardBatch(weightVariables as tf.Tensor2D[], shapes, batch));
      } finally {
        if (batch !== x) batch.dispose();
      }
    },
    async saveState() {
      assertLive();
      return { [ITERATIONS]: tf.scalar(iterations), ...stateTensors() };
    },
    async loadState(state) {
      assertLive();
      const own = stateSizes();
      for (const [name, array] of Object.entries(own)) {
        const saved = state[name];
        if (!saved || saved.size !== array.length) {
          throw new PlasticityError('E_CHECKPOINT', `btsp state lacks "${name}" of ${array.length} values`);
        }
      }
      const unknown = Object.keys(state).filter((key) => key !== ITERATIONS && !(key in own));
      if (unknown.length > 0) {
        throw new PlasticityError('E_CHECKPOINT', `btsp state has unexpected entries: ${unknown.join(', ')}`);
      }
      for (const [name, array] of Object.entries(own)) array.set(await state[name].data());
      if (state[ITERATIONS]) iterations = (await state[ITERATIONS].data())[0];
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      tf.dispose(weightVariables);
    },
  };
}
