import * as tf from '@tensorflow/tfjs-core';
import {
  PlasticityError,
  createRng,
  denseBatch,
  denseFeatureCount,
  readMetrics,
} from '@plasticity/core-tensors';
import type { Batch, BatchInput, Learner, StepMetrics, TaskSpec } from '@plasticity/core-tensors';
import type { BtspConfig } from './config.js';
import {
  excitatoryName,
  forward,
  inhibitoryInName,
  inhibitoryOutName,
  initialLayers,
  layerSizes,
} from './network.js';
import type { LayerParams } from './network.js';
import { selectPlateaus } from './plateaus.js';
import { topDownPlateaus } from './top-down.js';
import { applyDelta, btspDelta, hebbianStep } from './update.js';

const RULE = 'btsp';

export interface BtspLearner extends Learner {
  /** The layers' weights, input side first (tests and analysis). */
  readonly layers: readonly LayerParams[];
  /** Steps taken so far. */
  readonly iterations: number;
}

const previousPlateauName = (l: number) => `previous.${l}.plateau`;
const previousEligibilityName = (l: number) => `previous.${l}.eligibility`;
const normName = (l: number) => `hebbian.${l}.norm`;
const ITERATIONS = 'iterations';

/** Builds the learner for a validated config (what `btspRule.create` does). */
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
  const rng = createRng(seed);
  const layers = initialLayers(config, sizes, rng.fork('init'));
  const stepRng = rng.fork('steps');
  // wmax of each layer, in the same 1/√fanIn units as the initial weights.
  const weightMax = layers.map((_, l) => config.weightMax / Math.sqrt(sizes[l]));
  const gate = { threshold: config.depressionThreshold, width: config.depressionWidth };
  // The last sample of the previous batch: its positive plateau and its eligibility, per layer.
  const previousPlateau = layers.map((_, l) => tf.variable(tf.zeros([1, sizes[l + 1]]), false));
  const previousEligibility = layers.map((_, l) => tf.variable(tf.zeros([1, sizes[l]]), false));
  // Hebbian baseline: each hidden unit's summed weight stays at its initial value.
  const norms = layers.map((layer) => tf.variable(tf.sum(layer.excitatory, 1, true), false));
  let iterations = 0;
  let learningRate = config.learningRate;
  let disposed = false;

  const assertLive = () => {
    if (disposed) throw new PlasticityError('E_USAGE', 'this btsp learner has been disposed');
  };
  const input = (x: BatchInput) => denseBatch(x, features, RULE);

  function uniforms(batchSize: number): tf.Tensor2D[] | undefined {
    if (!config.stochastic) return undefined;
    const r = stepRng.fork(iterations);
    return config.hidden.map((units, l) =>
      tf.tensor2d(r.fork(l).uniformArray(batchSize * units), [batchSize, units]),
    );
  }

  async function trainStep(batch: Batch): Promise<StepMetrics> {
    assertLive();
    const x = input(batch.x);
    const factor = learningRate / config.learningRate;
    const draws = uniforms(batch.size);
    try {
      // One host read for all metrics (readMetrics runs the step inside a tidy).
      const metrics = await readMetrics(() => {
        const labels = tf.cast(tf.reshape(batch.y, [-1]), 'int32') as tf.Tensor1D;
        const target = tf.cast(tf.oneHot(labels, task.outputs), 'float32') as tf.Tensor2D;
        const pass = forward(layers, x, config.maxRate);
        const output = pass.activities[pass.activities.length - 1];
        const plateaus = topDownPlateaus(layers, pass, target, {
          feedbackScale,
          plateauFraction: config.plateauFraction,
          reluGate: config.reluGate,
          outputGate: config.outputGate,
          maxRate: config.maxRate,
          uniforms: draws,
        });
        const size = x.shape[0];
        layers.forEach((layer, l) => {
          const weights = layer.excitatory as tf.Tensor2D;
          const pre = pass.activities[l];
          const eligibility = tf.clipByValue(pre, 0, 1) as tf.Tensor2D;
          const output_ = l === layers.length - 1;
          if (config.learning === 'hebbian' && !output_) {
            // Competitive Hebb: the same budget of learning units as the plateaus, but picked
            // bottom-up (the most active units) instead of by the top-down signal.
            const rates = pass.activities[l + 1];
            const post = selectPlateaus(rates, rates, { fraction: config.plateauFraction, reluGate: true });
            const rate = config.hebbianLearningRate * factor;
            layer.excitatory.assign(
              hebbianStep(weights, post, pre, norms[l] as tf.Tensor2D, rate, weightMax[l]),
            );
          } else {
            const delta = btspDelta(
              weights,
              { plateau: plateaus[l], eligibility },
              {
                weightMax: weightMax[l],
                gate,
                discount: config.temporalDiscount,
                previousPlateau: previousPlateau[l] as tf.Tensor2D,
                previousEligibility: previousEligibility[l] as tf.Tensor2D,
              },
            );
            const rate = (output_ ? config.outputLearningRate : config.learningRate) * factor;
            layer.excitatory.assign(applyDelta(weights, delta, rate, weightMax[l]));
          }
          previousPlateau[l].assign(tf.relu(tf.slice(plateaus[l], [size - 1, 0], [1, -1])));
          previousEligibility[l].assign(tf.slice(eligibility, [size - 1, 0], [1, -1]));
        });
        const hidden = pass.activities.slice(1, -1);
        const hiddenPlateaus = plateaus.slice(0, -1);
        const fractionOf = (ts: tf.Tensor[], test: (t: tf.Tensor) => tf.Tensor) =>
          tf.mean(tf.stack(ts.map((t) => tf.mean(tf.cast(test(t), 'float32')))));
        return {
          loss: tf.mean(tf.sum(tf.square(tf.sub(target, output)), 1)),
          accuracy: tf.mean(tf.cast(tf.equal(tf.argMax(output, 1), labels), 'float32')),
          activeFraction: fractionOf(hidden, (t) => tf.greater(t, 0)),
          plateauFraction: fractionOf(hiddenPlateaus, (t) => tf.notEqual(t, 0)),
        };
      });
      iterations += 1;
      return metrics as StepMetrics;
    } finally {
      if (x !== batch.x) x.dispose();
      if (draws) tf.dispose(draws);
    }
  }

  const stateVariables = (): Record<string, tf.Variable> => {
    const state: Record<string, tf.Variable> = {};
    layers.forEach((_, l) => {
      state[previousPlateauName(l)] = previousPlateau[l];
      state[previousEligibilityName(l)] = previousEligibility[l];
      state[normName(l)] = norms[l];
    });
    return state;
  };

  const params: Record<string, tf.Variable> = {};
  // Variable names are global in tfjs (two learners would clash), so the map carries the names.
  layers.forEach((layer, l) => {
    params[excitatoryName(l)] = layer.excitatory;
    if (layer.inhibitoryIn) params[inhibitoryInName(l)] = layer.inhibitoryIn;
    if (layer.inhibitoryOut) params[inhibitoryOutName(l)] = layer.inhibitoryOut;
  });

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
        return tf.tidy(() => {
          const pass = forward(layers, batch, config.maxRate);
          return pass.activities[pass.activities.length - 1];
        });
      } finally {
        if (batch !== x) batch.dispose();
      }
    },
    async saveState() {
      assertLive();
      const state: Record<string, tf.Tensor> = { [ITERATIONS]: tf.scalar(iterations) };
      for (const [name, v] of Object.entries(stateVariables())) state[name] = v.clone();
      return state;
    },
    async loadState(state) {
      assertLive();
      const own = stateVariables();
      for (const [name, v] of Object.entries(own)) {
        const saved = state[name];
        if (!saved || !tf.util.arraysEqual(saved.shape, v.shape)) {
          throw new PlasticityError('E_CHECKPOINT', `btsp state lacks "${name}" of shape [${v.shape}]`);
        }
      }
      const unknown = Object.keys(state).filter((key) => key !== ITERATIONS && !(key in own));
      if (unknown.length > 0) {
        throw new PlasticityError('E_CHECKPOINT', `btsp state has unexpected entries: ${unknown.join(', ')}`);
      }
      for (const [name, v] of Object.entries(own)) tf.tidy(() => v.assign(tf.cast(state[name], 'float32')));
      if (state[ITERATIONS]) iterations = (await state[ITERATIONS].data())[0];
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      tf.dispose(Object.values(params));
      tf.dispose(Object.values(stateVariables()));
    },
  };
}
