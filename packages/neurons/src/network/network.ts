import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError, createRng, paramName } from '@plasticity/core-tensors';
import type { ParamKind, ParamMap } from '@plasticity/core-tensors';
import { matMulPlain, timeDistributedMatMul } from '../layers/matmul.js';
import { gatedThetaStep } from '../models/gated-theta.js';
import { leakyIntegratorStep } from '../models/lif-exp.js';
import type { GatedThetaParams, LeakyIntegratorParams, NeuronParams } from '../models/params.js';
import { initialState } from '../models/state.js';
import { neuronStep } from '../models/step.js';
import { hasFusedScan, lifExpScan } from '../scan/lif-exp-scan.js';
import { hasFusedLifScan, lifScan } from '../scan/lif-scan.js';
import { arctan, fastSigmoid, heaviside, superSpike } from '../surrogate.js';
import type { SpikeFunction, SurrogateSpec } from '../surrogate.js';
import { tidy } from '../tidy.js';
import { conv2d, initWeights, pool2d, timeDistributed } from './ops.js';
import { isSpikingType, resolveLayers } from './spec.js';
import type { LayerSpec, ResolvedLayer } from './spec.js';

export interface SpikingNetworkOptions {
  /** Seed of the weight initialisers (default 0); each weight draws from `rng.fork(name)`. */
  readonly seed?: number;
  /** Spike function, or its JSON spec (default `fastSigmoid()`, slope 25). */
  readonly surrogate?: SpikeFunction | SurrogateSpec;
  /** Time step in ms for neuron layers that do not set `dt` (default: each model's default, 1 ms). */
  readonly dt?: number;
  /**
   * Use the fused scan kernels for feed-forward `lif-exp` (cpu, wasm, webgpu) and `lif` (cpu,
   * wasm) layers (default true); false forces the per-step op loop. Both give the same numbers.
   */
  readonly fused?: boolean;
}

/** Options of `SpikingNetwork.run`. */
export interface NetworkRunOptions {
  /** Also keep the voltage of the spiking layers before the last neuron layer (default false). */
  readonly record?: boolean;
  /**
   * Time steps to simulate (default: the input's). An input with one step `[1, B, ...]` is then
   * held at every step: the connections before the first neuron layer act on it once, where a
   * per-step simulation would repeat the same projection at every step (snnTorch's direct input).
   */
  readonly steps?: number;
}

/** One layer's activity over time, `[T, B, ...shape]`. Connection layers record nothing. */
// Type aliases, not interfaces, so `tf.dispose(run)` accepts them as tensor containers.
export type LayerTrace = {
  /** Spikes (0/1) of a spiking neuron layer. */
  readonly spikes?: tf.Tensor;
  /**
   * Voltage before each step's reset: always for `li` and the last neuron layer (what voltage
   * losses read), for the other spiking layers with `record`. A `gated-theta` layer's phase θ.
   */
  readonly v?: tf.Tensor;
  /** A `gated-theta` layer's synaptic output s: what the next layer receives. */
  readonly synapse?: tf.Tensor;
};

/**
 * One run of the network. `spikes`/`v` are the last layer's (when it is a neuron layer), so the
 * run is itself the record the losses in `../losses` read.
 */
export type NetworkRun = LayerTrace & {
  /** The last layer's output `[T, B, ...outputShape]`: spikes, LI voltage, or a connection's drive. */
  readonly output: tf.Tensor;
  /** Time step of the last neuron layer in ms (for time-weighted readouts). */
  readonly dt: number;
  /** Per layer index: what that layer recorded (spike rasters and rates come from here). */
  readonly layers: LayerTrace[];
};

export interface SpikingNetwork {
  /** The validated layers with defaults and per-sample shapes. */
  readonly layers: readonly ResolvedLayer[];
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /**
   * Trainable weights, named `layers.<i>.kernel`, `layers.<i>.bias`, `layers.<i>.recurrent`
   * (`[in, units]`, `[units]`, `[units, units]`; conv kernels `[kh, kw, C, filters]`).
   */
  readonly params: ParamMap;
  readonly spikeFn: SpikeFunction;
  /**
   * Simulates from rest over `x [T, B, ...inputShape]`, differentiable through tfjs autodiff
   * (spikes use the surrogate). The caller owns the result: `tf.dispose(run)`, or run it in `tf.tidy`.
   * The last neuron layer's voltage is always kept; `record` keeps the other spiking layers'
   * too (without it, their backward passes need no voltage gradient). `steps` holds a one-step
   * input over that many steps.
   */
  run(x: tf.Tensor, options?: NetworkRunOptions): NetworkRun;
  /** Disposes the params (those a learner has not disposed already). */
  dispose(): void;
}

function spikeFunctionOf(surrogate: SpikeFunction | SurrogateSpec | undefined): SpikeFunction {
  if (surrogate === undefined) return fastSigmoid();
  if (typeof surrogate === 'function') return surrogate;
  switch (surrogate.kind) {
    case 'fast-sigmoid':
      return fastSigmoid({ slope: surrogate.slope });
    case 'arctan':
      return arctan({ alpha: surrogate.alpha });
    case 'super-spike':
      return superSpike({ beta: surrogate.beta });
    case 'none':
      return heaviside;
    default:
      throw new PlasticityError('E_CONFIG', `unknown surrogate ${JSON.stringify(surrogate)}`, {
        field: 'surrogate',
      });
  }
}

function createParams(layers: readonly ResolvedLayer[], seed: number): Record<string, tf.Variable> {
  const rng = createRng(seed);
  const params: Record<string, tf.Variable> = {};
  const add = (name: string, init: () => tf.Tensor) => {
    // Unnamed variables: tfjs' variable names are global, and two networks may coexist.
    params[name] = tf.tidy(() => tf.variable(init()));
  };
  for (const layer of layers) {
    if (layer.type === 'dense' || layer.type === 'recurrent') {
      const kernel = [layer.inShape[0], layer.units];
      add(paramName(layer.index, 'kernel'), () =>
        initWeights(rng.fork(paramName(layer.index, 'kernel')), kernel, layer.init),
      );
      if (layer.type === 'recurrent') {
        const shape = [layer.units, layer.units];
        add(paramName(layer.index, 'recurrent'), () =>
          initWeights(rng.fork(paramName(layer.index, 'recurrent')), shape, layer.recurrentInit),
        );
      }
      if (layer.bias) add(paramName(layer.index, 'bias'), () => tf.zeros([layer.units]));
    } else if (layer.type === 'conv2d') {
      const kernel = [...layer.kernel, layer.inShape[2], layer.filters];
      add(paramName(layer.index, 'kernel'), () =>
        initWeights(rng.fork(paramName(layer.index, 'kernel')), kernel, layer.init),
      );
      if (layer.bias) add(paramName(layer.index, 'bias'), () => tf.zeros([layer.filters]));
    }
  }
  return params;
}

/**
 * Runs a neuron population for `steps` steps from rest over `drive [T, B, ...shape]`, T = steps
 * or 1 (held at every step); `recurrent` adds last step's spikes times that matrix to each
 * step's drive.
 */
function runNeurons(
  model: NeuronParams | LeakyIntegratorParams | GatedThetaParams,
  drive: tf.Tensor,
  recurrent: tf.Tensor2D | undefined,
  spikeFn: SpikeFunction,
  options: { record: boolean; fused: boolean; steps: number },
): LayerTrace {
  const { steps } = options;
  const [driveSteps, batch, ...shape] = drive.shape;
  const units = shape.reduce((a, b) => a * b, 1);
  const unflat = (t: tf.Tensor) => tf.reshape(t, [steps, batch, ...shape]);
  if (model.kind === 'lif' && !recurrent && options.fused && hasFusedLifScan(model)) {
    // The scan holds a one-step drive itself, and sums its gradient over time.
    const flatDrive = tf.reshape(drive, [driveSteps, batch, units]) as tf.Tensor3D;
    if (!options.record) {
      return {
        spikes: unflat(lifScan(flatDrive, model, spikeFn.surrogate, steps, { voltage: false }).spikes),
      };
    }
    const out = lifScan(flatDrive, model, spikeFn.surrogate, steps);
    return { spikes: unflat(out.spikes), v: unflat(out.v) };
  }
  const held = driveSteps === steps ? drive : tf.broadcastTo(drive, [steps, batch, ...shape]);
  const flat = tf.reshape(held, [steps, batch, units]) as tf.Tensor3D;
  if (model.kind === 'leakyIntegrator') {
    let state = initialState(model, batch, units);
    const v = tf.unstack(flat).map((input) => {
      const out = leakyIntegratorStep(model, input, state);
      state = out.state;
      return out.v;
    });
    return { v: unflat(tf.stack(v)) };
  }
  if (model.kind === 'lifExp' && !recurrent && options.fused && hasFusedScan()) {
    const out = lifExpScan(flat, model, spikeFn.surrogate, { voltage: options.record });
    return options.record
      ? { spikes: unflat(out.spikes), v: unflat(out.v!) }
      : { spikes: unflat(out.spikes) };
  }
  if (model.kind === 'gatedTheta') return runGatedTheta(model, flat, recurrent, options.record, unflat);
  let state = initialState(model, batch, units);
  let last: tf.Tensor2D | undefined;
  const spikes: tf.Tensor[] = [];
  const voltages: tf.Tensor[] = [];
  for (const input of tf.unstack(flat)) {
    const total = recurrent && last ? tf.add(input, matMulPlain(last, recurrent)) : input;
    const out = neuronStep(model, total, state, spikeFn);
    state = out.state;
    last = out.spikes as tf.Tensor2D;
    spikes.push(out.spikes);
    voltages.push(out.v);
  }
  const s = unflat(tf.stack(spikes));
  return options.record ? { spikes: s, v: unflat(tf.stack(voltages)) } : { spikes: s };
}

/**
 * Runs gated-synapse theta neurons over `drive [T, B, units]`; `recurrent` adds last step's
 * synaptic output times that matrix to each step's drive (the paper's `I = W s + U x`).
 */
function runGatedTheta(
  model: GatedThetaParams,
  drive: tf.Tensor3D,
  recurrent: tf.Tensor2D | undefined,
  record: boolean,
  unflat: (t: tf.Tensor) => tf.Tensor,
): LayerTrace {
  const [, batch, units] = drive.shape;
  let state = initialState(model, batch, units);
  const spikes: tf.Tensor[] = [];
  const phases: tf.Tensor[] = [];
  const synapse: tf.Tensor[] = [];
  for (const input of tf.unstack(drive)) {
    const total = recurrent ? tf.add(input, matMulPlain(state.synapse as tf.Tensor2D, recurrent)) : input;
    const out = gatedThetaStep(model, total, state);
    state = out.state;
    spikes.push(out.spikes);
    phases.push(out.v);
    synapse.push(out.output);
  }
  const trace = { spikes: unflat(tf.stack(spikes)), synapse: unflat(tf.stack(synapse)) };
  return record ? { ...trace, v: unflat(tf.stack(phases)) } : trace;
}

/**
 * tfjs-backend-webgpu 4.22 returns zeros for conv2d and misroutes max-pool gradients (seen under
 * SwiftShader in our tests): refuse rather than train on wrong numbers.
 */
function refuseWrongKernels(layers: readonly ResolvedLayer[]): void {
  if (tf.getBackend() !== 'webgpu') return;
  const bad = layers.find((l) => l.type === 'conv2d' || (l.type === 'pool2d' && l.kind === 'max'));
  if (bad === undefined) return;
  throw new PlasticityError(
    'E_BACKEND',
    `layer ${bad.index} (${bad.type}): conv2d and max pool2d give wrong results on the webgpu backend ` +
      '(tfjs-backend-webgpu 4.22); run this network on wasm or cpu',
    { layer: bad.index, backend: 'webgpu' },
  );
}

/**
 * A spiking network from a list of layer specs (see `LayerSpec`) on per-sample `inputShape`,
 * e.g. `[8, 8, 2]` event frames or `[700]` channels. Connection layers (dense, recurrent,
 * conv2d, pool2d, flatten) are applied to the whole sequence at once; neuron layers (lif, alif,
 * if, lif-exp, li, gated-theta) step through time with the package's models. Gradients flow
 * through tfjs autodiff with the surrogate (gated-theta needs none): this is what BPTT trains.
 */
export function createSpikingNetwork(
  layerSpecs: readonly LayerSpec[],
  inputShape: readonly number[],
  options: SpikingNetworkOptions = {},
): SpikingNetwork {
  const layers = resolveLayers(layerSpecs, inputShape, options.dt);
  const spikeFn = spikeFunctionOf(options.surrogate);
  const params = createParams(layers, options.seed ?? 0);
  const fused = options.fused ?? true;
  const outputShape = layers[layers.length - 1].outShape;
  const lastNeuron = [...layers].reverse().find((l) => 'model' in l);
  const dt = lastNeuron && 'model' in lastNeuron ? lastNeuron.model.dt : (options.dt ?? 1);
  const lastNeuronIndex = lastNeuron?.index ?? -1;

  function connect(layer: ResolvedLayer, h: tf.Tensor): tf.Tensor {
    const p = (kind: ParamKind) => params[paramName(layer.index, kind)];
    const withBias = (y: tf.Tensor) => ('bias' in layer && layer.bias ? tf.add(y, p('bias')) : y);
    switch (layer.type) {
      case 'dense':
      case 'recurrent':
        return withBias(timeDistributedMatMul(h as tf.Tensor3D, p('kernel') as tf.Tensor2D));
      case 'conv2d':
        return withBias(
          timeDistributed(h, (x) =>
            conv2d(x as tf.Tensor4D, p('kernel') as tf.Tensor4D, layer.stride, layer.padding),
          ),
        );
      case 'pool2d':
        return timeDistributed(h, (x) =>
          pool2d(x as tf.Tensor4D, layer.kind, layer.size, layer.stride, layer.padding),
        );
      case 'flatten':
        return tf.reshape(h, [...h.shape.slice(0, 2), layer.outShape[0]]);
      default:
        throw new Error(`not a connection: ${layer.type}`);
    }
  }

  function run(x: tf.Tensor, runOptions: NetworkRunOptions = {}): NetworkRun {
    refuseWrongKernels(layers);
    const expected = ['T', 'B', ...inputShape].join(', ');
    if (x.rank !== inputShape.length + 2 || inputShape.some((d, i) => x.shape[i + 2] !== d)) {
      throw new PlasticityError(
        'E_SHAPE',
        `network input must have shape [${expected}], got [${x.shape.join(', ')}]`,
        { field: 'x', expected: inputShape, actual: x.shape },
      );
    }
    const record = runOptions.record ?? false;
    const steps = runOptions.steps ?? x.shape[0];
    if (!(Number.isInteger(steps) && steps >= 1) || (x.shape[0] !== steps && x.shape[0] !== 1)) {
      throw new PlasticityError(
        'E_SHAPE',
        `network input of ${x.shape[0]} steps cannot be run for ${steps} steps (give ${steps} steps, or 1 to hold it)`,
        { field: 'steps', value: steps, actual: x.shape },
      );
    }
    return tidy(() => {
      const traces: LayerTrace[] = [];
      let h = x;
      let trace: LayerTrace = {};
      for (const layer of layers) {
        if ('model' in layer) {
          const previous = layers[layer.index - 1];
          const recurrent =
            previous?.type === 'recurrent'
              ? (params[paramName(previous.index, 'recurrent')] as tf.Tensor2D)
              : undefined;
          const keepVoltage = record || layer.index === lastNeuronIndex;
          trace = runNeurons(layer.model, h, recurrent, spikeFn, { record: keepVoltage, fused, steps });
          h = trace.synapse ?? (isSpikingType(layer.type) ? trace.spikes! : trace.v!);
        } else {
          trace = {};
          h = connect(layer, h);
        }
        traces.push(trace);
      }
      return { ...trace, output: h, dt, layers: traces };
    });
  }

  function dispose(): void {
    for (const v of Object.values(params)) if (!v.isDisposed) v.dispose();
  }

  return Object.freeze({ layers, inputShape: [...inputShape], outputShape, params, spikeFn, run, dispose });
}
