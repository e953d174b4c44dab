import { PlasticityError, paramName } from '@plasticity/core-tensors';
import { InputAdjoints, adjointState, backwardFeedForward, backwardLayer } from './layer-backward.js';
import { IntervalFactors } from './intervals.js';
import type { AdjointState } from './layer-backward.js';
import { forwardFeedForward, forwardRecurrent, layerState } from './layer-forward.js';
import type { ForwardOptions, LayerState, LayerWeights } from './layer-forward.js';
import { lifConstants } from './lif.js';
import type { LifConstants } from './lif.js';
import type { LifExpParams } from '../models/params.js';
import { backwardReadout, forwardReadout, readoutState } from './readout.js';
import type { ReadoutState } from './readout.js';
import type { VoltageReadout } from '../vocabulary.js';
import { NeuronSpikes, SpikeBuffer } from './spike-buffer.js';
import { sampleVoltages } from './trace.js';
import type { SpikeList } from './spike-buffer.js';

// Bound once: inside test runners' vm contexts every global lookup (`Math`) is slow.
const { ceil, max } = Math;

/** Shape of an EventProp network: spiking LIF hidden layers and a spiking or integrator output. */
export interface NetworkSpec {
  readonly inputs: number;
  readonly hidden: readonly { readonly size: number; readonly recurrent: boolean }[];
  readonly outputs: number;
  /** `'spiking'`: LIF output neurons (first-spike times); otherwise a leaky-integrator readout. */
  readonly output: 'spiking' | VoltageReadout;
  /** The neuron model of every layer (its `dt` is unused: the simulation is exact in time). */
  readonly model: LifExpParams;
  /** Simulated window `[0, duration)`, ms. */
  readonly duration: number;
  /** Abort (E_DIVERGED) when a layer fires more than this many spikes per neuron in one sample (default 1000). */
  readonly maxSpikesPerNeuron?: number;
}

/**
 * A zeroed Float64Array over a SharedArrayBuffer where the platform has one (Node; browsers
 * only when cross-origin isolated), so that worker threads can read it without copies.
 */
export function sharedFloat64(length: number): Float64Array {
  return typeof SharedArrayBuffer === 'function'
    ? new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT))
    : new Float64Array(length);
}

/** Every weight of a network, by name, with its `[rows, cols]` shape. */
export function paramShapes(spec: NetworkSpec): Record<string, [number, number]> {
  const shapes: Record<string, [number, number]> = {};
  let inputs = spec.inputs;
  spec.hidden.forEach((layer, k) => {
    shapes[paramName(k, 'kernel')] = [inputs, layer.size];
    if (layer.recurrent) shapes[paramName(k, 'recurrent')] = [layer.size, layer.size];
    inputs = layer.size;
  });
  shapes[paramName(spec.hidden.length, 'kernel')] = [inputs, spec.outputs];
  return shapes;
}

interface SpikingLayer {
  readonly weights: LayerWeights;
  readonly state: LayerState;
  /** Recurrent layers: adjoints, event by event. */
  readonly adjoint: AdjointState;
  /** Feed-forward layers: decay factors of the input intervals and the spikes neuron by neuron. */
  readonly factors: IntervalFactors;
  readonly byNeuron: NeuronSpikes;
  readonly inputAdjoints: InputAdjoints;
  readonly spikes: SpikeBuffer;
  readonly options: ForwardOptions;
  /** ∂L/∂t per spike of this layer, filled by the layer above and the loss. */
  drive: Float64Array;
}

function checkSpec(spec: NetworkSpec): void {
  const whole = (value: number, field: string): void => {
    if (!(Number.isInteger(value) && value > 0)) {
      throw new PlasticityError('E_CONFIG', `${field} must be a whole number > 0, got ${value}`, { field });
    }
  };
  whole(spec.inputs, 'inputs');
  whole(spec.outputs, 'outputs');
  spec.hidden.forEach((layer, k) => whole(layer.size, `hidden[${k}].size`));
  if (!(Number.isFinite(spec.duration) && spec.duration > 0)) {
    throw new PlasticityError('E_CONFIG', `duration must be a number > 0 (ms), got ${spec.duration}`, {
      field: 'duration',
    });
  }
}

/**
 * An EventProp network simulated exactly, event by event, on the host (float64). One sample
 * at a time: `forward` runs every layer and keeps only the spikes (time, unit, current);
 * `backward` runs the adjoint pass over them and accumulates the weight gradients.
 */
export class EventPropNetwork {
  readonly spec: NetworkSpec;
  readonly constants: LifConstants;
  readonly shapes: Readonly<Record<string, [number, number]>>;
  /** Hidden layers then, for a spiking output, the output layer. */
  private readonly layers: SpikingLayer[];
  private readonly readout?: { readonly kernel: Float64Array; readonly state: ReadoutState };
  /** Spiking output: voltage peaks of the output neurons as if they never fired (for silent ones). */
  private readonly peaks: ReadoutState;
  private readonly weightsByName = new Map<string, Float64Array>();
  private readonly scratch = new Float64Array(2);
  private readonly outputValues: Float64Array;
  private readonly outputSpikeIndex: Int32Array;
  private input: SpikeList = { count: 0, times: [], units: [] };

  /**
   * `weights`, when given, are used in place (by name, `rows·cols` values each): worker threads
   * share one set of weights through SharedArrayBuffers. Otherwise each weight gets its own
   * shareable buffer (see `sharedFloat64`).
   */
  constructor(spec: NetworkSpec, weights?: Readonly<Record<string, Float64Array>>) {
    checkSpec(spec);
    this.spec = spec;
    this.constants = lifConstants(spec.model);
    this.shapes = paramShapes(spec);
    for (const [name, [rows, cols]] of Object.entries(this.shapes)) {
      const given = weights?.[name];
      if (given !== undefined && given.length !== rows * cols) {
        throw new PlasticityError(
          'E_SHAPE',
          `weight "${name}" needs ${rows * cols} values (${rows}×${cols}), got ${given.length}`,
        );
      }
      this.weightsByName.set(name, given ?? sharedFloat64(rows * cols));
    }
    const perNeuron = spec.maxSpikesPerNeuron ?? 1000;
    const layer = (k: number, inputs: number, size: number, recurrent: boolean, firstOnly: boolean) => ({
      weights: {
        inputs,
        size,
        kernel: this.weightsByName.get(paramName(k, 'kernel')) as Float64Array,
        recurrent: recurrent ? this.weightsByName.get(paramName(k, 'recurrent')) : undefined,
      },
      state: layerState(size),
      adjoint: adjointState(recurrent ? size : 0),
      factors: new IntervalFactors(),
      byNeuron: new NeuronSpikes(recurrent ? 0 : size),
      inputAdjoints: new InputAdjoints(),
      spikes: new SpikeBuffer(),
      options: { duration: spec.duration, firstSpikeOnly: firstOnly, maxSpikes: perNeuron * size },
      drive: new Float64Array(64),
    });
    this.layers = [];
    let inputs = spec.inputs;
    spec.hidden.forEach((h, k) => {
      this.layers.push(layer(k, inputs, h.size, h.recurrent, false));
      inputs = h.size;
    });
    const top = spec.hidden.length;
    if (spec.output === 'spiking') {
      this.layers.push(layer(top, inputs, spec.outputs, false, true));
    } else {
      this.readout = {
        kernel: this.weightsByName.get(paramName(top, 'kernel')) as Float64Array,
        state: readoutState(spec.outputs),
      };
    }
    this.peaks = readoutState(spec.outputs);
    this.outputValues = new Float64Array(spec.outputs);
    this.outputSpikeIndex = new Int32Array(spec.outputs);
  }

  /** Copies one weight matrix in (row-major, e.g. a tf.Variable's data). */
  setWeights(name: string, data: ArrayLike<number>): void {
    const target = this.weightsByName.get(name);
    if (target === undefined) {
      throw new PlasticityError('E_CONFIG', `this network has no weight "${name}"`, {
        known: [...this.weightsByName.keys()],
      });
    }
    if (data.length !== target.length) {
      throw new PlasticityError(
        'E_SHAPE',
        `weight "${name}" needs ${target.length} values (${this.shapes[name].join('×')}), got ${data.length}`,
      );
    }
    if (ArrayBuffer.isView(data)) target.set(data as unknown as ArrayLike<number>);
    else for (let k = 0; k < target.length; k++) target[k] = data[k];
  }

  /** The weights the simulation reads, by name (row-major; shared buffers where available). */
  weights(): Readonly<Record<string, Float64Array>> {
    return Object.fromEntries(this.weightsByName);
  }

  /** Zeroed gradient buffers, one per weight. */
  gradientBuffers(): Record<string, Float64Array> {
    const out: Record<string, Float64Array> = {};
    for (const [name, w] of this.weightsByName) out[name] = new Float64Array(w.length);
    return out;
  }

  /**
   * Simulates one sample (input spikes sorted by time, in `[0, duration)`). Returns the
   * output values: first-spike times in ms (Infinity when silent) for a spiking output, the
   * readout values otherwise. The array is reused by the next call.
   */
  forward(input: SpikeList): Float64Array {
    this.checkInput(input);
    this.input = input;
    const c = this.constants;
    let below: SpikeList = input;
    for (const layer of this.layers) {
      if (layer.weights.recurrent === undefined) {
        layer.factors.compute(c, below, this.spec.duration);
        forwardFeedForward(c, below, layer.weights, layer.factors, layer.state, layer.spikes, layer.options);
        layer.byNeuron.group(layer.spikes);
      } else {
        forwardRecurrent(c, below, layer.weights, layer.state, layer.spikes, layer.options);
      }
      below = layer.spikes;
    }
    const values = this.outputValues;
    if (this.readout !== undefined) {
      const { kernel, state } = this.readout;
      forwardReadout(
        c,
        this.readoutKind(),
        below,
        kernel,
        this.spec.outputs,
        this.spec.duration,
        state,
        this.scratch,
      );
      values.set(state.value);
    } else {
      const out = this.layers[this.layers.length - 1].spikes;
      values.fill(Infinity);
      this.outputSpikeIndex.fill(-1);
      for (let k = 0; k < out.count; k++) {
        const unit = out.units[k];
        if (this.outputSpikeIndex[unit] < 0) {
          this.outputSpikeIndex[unit] = k;
          values[unit] = out.times[k];
        }
      }
    }
    return values;
  }

  /**
   * Spiking output, after `forward`: each output neuron's maximum voltage over the window
   * computed without resets, which is its true maximum (below threshold) when it stayed silent.
   * The array is reused by the next call.
   */
  outputPeaks(): Float64Array {
    const hidden = this.spec.hidden.length;
    const below = hidden === 0 ? this.input : this.layers[hidden - 1].spikes;
    const top = this.layers[hidden];
    const { outputs, duration } = this.spec;
    forwardReadout(
      this.constants,
      'max-voltage',
      below,
      top.weights.kernel,
      outputs,
      duration,
      this.peaks,
      this.scratch,
    );
    return this.peaks.value;
  }

  /**
   * Backward pass of the last `forward`: `dOutput[k]` is ∂L/∂(output value k); `hiddenDrive`,
   * when given, adds an extra ∂L/∂t to each hidden spike (regularisers); `dPeak[k]`, for a
   * spiking output after `outputPeaks`, is ∂L/∂(peak of silent output k). Adds to `grads`.
   */
  backward(
    dOutput: Float64Array,
    grads: Record<string, Float64Array>,
    hiddenDrive?: (layer: number, spikes: SpikeList, drive: Float64Array) => void,
    dPeak?: Float64Array,
  ): void {
    const c = this.constants;
    const { duration } = this.spec;
    const hidden = this.spec.hidden.length;
    const top = this.layers.length - 1;
    const below = (k: number): SpikeList => (k === 0 ? this.input : this.layers[k - 1].spikes);
    const driveOf = (k: number): Float64Array | undefined => {
      if (k === 0) return undefined;
      const layer = this.layers[k - 1];
      const n = layer.spikes.count;
      if (layer.drive.length < n) layer.drive = new Float64Array(max(n, 2 * layer.drive.length));
      layer.drive.fill(0, 0, n);
      return layer.drive;
    };
    if (this.readout !== undefined) {
      const { kernel, state } = this.readout;
      backwardReadout(
        c,
        this.readoutKind(),
        below(hidden),
        kernel,
        this.spec.outputs,
        duration,
        state,
        dOutput,
        grads[paramName(hidden, 'kernel')],
        driveOf(hidden),
        this.scratch,
      );
    } else {
      const layer = this.layers[top];
      const belowDrive = driveOf(top);
      if (dPeak !== undefined) {
        const { outputs } = this.spec;
        backwardReadout(
          c,
          'max-voltage',
          below(top),
          layer.weights.kernel,
          outputs,
          duration,
          this.peaks,
          dPeak,
          grads[paramName(top, 'kernel')],
          belowDrive,
          this.scratch,
        );
      }
      const drive = driveOf(top + 1) as Float64Array;
      for (let unit = 0; unit < this.spec.outputs; unit++) {
        const k = this.outputSpikeIndex[unit];
        if (k >= 0) drive[k] = dOutput[unit];
      }
      backwardFeedForward(
        c,
        below(top),
        layer.weights,
        layer.factors,
        layer.spikes,
        layer.byNeuron,
        drive,
        layer.inputAdjoints,
        { kernel: grads[paramName(top, 'kernel')], inputTimes: belowDrive },
        duration,
      );
    }
    for (let k = hidden - 1; k >= 0; k--) {
      const layer = this.layers[k];
      if (hiddenDrive !== undefined) hiddenDrive(k, layer.spikes, layer.drive);
      const inputTimes = driveOf(k);
      if (layer.weights.recurrent === undefined) {
        backwardFeedForward(
          c,
          below(k),
          layer.weights,
          layer.factors,
          layer.spikes,
          layer.byNeuron,
          layer.drive,
          layer.inputAdjoints,
          { kernel: grads[paramName(k, 'kernel')], inputTimes },
          duration,
        );
      } else {
        backwardLayer(
          c,
          below(k),
          layer.weights,
          layer.spikes,
          layer.drive,
          layer.adjoint,
          { kernel: grads[paramName(k, 'kernel')], recurrent: grads[paramName(k, 'recurrent')], inputTimes },
          duration,
        );
      }
    }
  }

  /** Spikes of layer k in the last `forward` (hidden layers, then a spiking output layer). */
  layerSpikes(k: number): SpikeList {
    return this.layers[k].spikes;
  }

  /**
   * The output layer of the last `forward` for plots: its voltages sampled every `dt` ms
   * (`[steps × outputs]`) and, for a spiking output, all its spikes (the forward pass stops
   * each output neuron at its first spike; here they run on, resetting, to the window's end).
   */
  outputActivity(dt: number): { steps: number; voltages: Float32Array; spikes?: SpikeList } {
    const c = this.constants;
    const { duration, outputs } = this.spec;
    const steps = max(1, ceil(duration / dt));
    const hidden = this.spec.hidden.length;
    const below = hidden === 0 ? this.input : this.layers[hidden - 1].spikes;
    if (this.readout !== undefined) {
      return {
        steps,
        voltages: sampleVoltages(c, below, this.readout.kernel, outputs, undefined, steps, dt),
      };
    }
    const top = this.layers[hidden];
    const spikes = new SpikeBuffer();
    forwardFeedForward(c, below, top.weights, top.factors, layerState(outputs), spikes, {
      ...top.options,
      firstSpikeOnly: false,
    });
    return {
      steps,
      spikes,
      voltages: sampleVoltages(c, below, top.weights.kernel, outputs, spikes, steps, dt),
    };
  }

  /** Bytes the last `forward` stored for the backward pass (spikes of every layer): O(spikes). */
  storedBytes(): number {
    return this.layers.reduce(
      (sum, layer) => sum + layer.spikes.storedBytes() + layer.byNeuron.storedBytes(),
      0,
    );
  }

  private readoutKind(): VoltageReadout {
    return this.spec.output as VoltageReadout;
  }

  private checkInput(input: SpikeList): void {
    const { inputs, duration } = this.spec;
    let last = 0;
    for (let e = 0; e < input.count; e++) {
      const t = input.times[e];
      const u = input.units[e];
      if (!(t >= last && t < duration) || !(u >= 0 && u < inputs && Number.isInteger(u))) {
        throw new PlasticityError(
          'E_DATA_FORMAT',
          `input spike ${e} (time ${t} ms, unit ${u}) must be sorted by time, in [0, ${duration}) ms, unit in 0 … ${inputs - 1}`,
          { event: e, time: t, unit: u },
        );
      }
      last = t;
    }
  }
}
