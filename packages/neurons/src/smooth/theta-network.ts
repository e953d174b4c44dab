import { PlasticityError } from '@plasticity/core-tensors';
import type { ThetaNeuron, ThetaSlopes } from './theta.js';
import { thetaPulseSlopes, thetaTangentBound, thetaTransfer, thetaTransferSlopes } from './theta.js';
import { ThetaLayerTape, simulateThetaLayer } from './theta-layer.js';
import type { SpikeTrain } from './theta-layer.js';

/** A feed-forward network of theta neurons (Klos & Memmesheimer's MNIST model). */
export interface ThetaNetworkSpec {
  readonly neuron: ThetaNeuron;
  /** Layer widths from the inputs to the outputs, e.g. [784, 100, 100, 10]. */
  readonly sizes: readonly number[];
  /** Trial duration T. */
  readonly duration: number;
  /**
   * Where an output neuron does not spike within the trial, use its first pseudospike (after
   * T, from a rate network on the end-of-trial phases) so that it still gets a gradient.
   */
  readonly pseudospikes: boolean;
}

/** Trainable parameters, float64 on the host. */
export interface ThetaParams {
  /** Layer l: `[sizes[l], sizes[l + 1]]` row-major (input-major, like `layers.l.kernel`). */
  readonly kernels: readonly Float64Array[];
  /** Layer l: the initial phase of each of its `sizes[l + 1]` neurons, in [0, Θ]. */
  readonly phases: readonly Float64Array[];
}

/** Allocates zeroed parameters (or gradients) for `spec`. */
export function thetaParamsLike(spec: ThetaNetworkSpec): ThetaParams {
  const { sizes } = spec;
  return {
    kernels: sizes.slice(1).map((n, l) => new Float64Array(sizes[l] * n)),
    phases: sizes.slice(1).map((n) => new Float64Array(n)),
  };
}

/** What `ThetaNetwork.run` reports about one sample. */
export interface ThetaSampleResult {
  /** Per output neuron: its first spike time, or its first pseudospike time (> T), or ∞. */
  readonly outputTimes: Float64Array;
  /** Per output neuron: whether it spiked within the trial. */
  readonly outputSpiked: Uint8Array;
  /** Spikes per layer within the trial (hidden layers first, the output layer last). */
  readonly spikeCounts: readonly number[];
}

/**
 * Exact event-driven simulation of a theta network on one sample, and its exact gradient by
 * hand-written local derivatives over the recorded events (the adjoint is beside the model).
 * One instance serves many samples; its buffers are reused.
 */
export class ThetaNetwork {
  readonly spec: ThetaNetworkSpec;
  private readonly tapes: ThetaLayerTape[];
  private readonly outputTimes: Float64Array;
  private readonly outputSpiked: Uint8Array;
  private readonly firstSpike: Int32Array;
  /** Pseudo-rate network: each layer's drive and `H(φ_T, drive)`. */
  private readonly pseudoDrive: Float64Array[];
  private readonly pseudoValue: Float64Array[];
  // Adjoint buffers.
  private readonly adjSpikes: Float64Array[] = [];
  private readonly adjFinal: Float64Array[];
  private readonly adjValue: Float64Array[];
  private readonly adjDrive: Float64Array;
  private readonly transfer: ThetaSlopes = { dPhase: 0, dWeight: 0 };

  constructor(spec: ThetaNetworkSpec) {
    const { sizes, duration } = spec;
    if (sizes.length < 2 || !sizes.every((n) => Number.isInteger(n) && n > 0)) {
      throw new PlasticityError(
        'E_CONFIG',
        `theta network: sizes must be ≥ 2 positive integers, got [${sizes}]`,
        {
          field: 'sizes',
        },
      );
    }
    if (!(duration > 0 && Number.isFinite(duration))) {
      throw new PlasticityError('E_CONFIG', `theta network: duration must be > 0, got ${duration}`, {
        field: 'duration',
      });
    }
    this.spec = spec;
    const layers = sizes.slice(1);
    this.tapes = layers.map((n) => new ThetaLayerTape(n));
    const outputs = layers[layers.length - 1];
    this.outputTimes = new Float64Array(outputs);
    this.outputSpiked = new Uint8Array(outputs);
    this.firstSpike = new Int32Array(outputs);
    this.pseudoDrive = layers.map((n) => new Float64Array(n));
    this.pseudoValue = layers.map((n) => new Float64Array(n));
    this.adjFinal = layers.map((n) => new Float64Array(n));
    this.adjValue = layers.map((n) => new Float64Array(n));
    this.adjDrive = new Float64Array(Math.max(...layers));
  }

  /** Simulates one sample whose input spikes are `input` (in time order). */
  run(params: ThetaParams, input: SpikeTrain): ThetaSampleResult {
    const { neuron, duration, pseudospikes } = this.spec;
    const last = this.tapes.length - 1;
    let train: SpikeTrain = input;
    this.tapes.forEach((tape, l) => {
      // Input times are data, not parameters: pulses at one time act as one (exact, and faster).
      simulateThetaLayer(neuron, duration, params.kernels[l], params.phases[l], train, l === 0, tape);
      train = tape.train;
    });
    const out = this.tapes[last];
    if (pseudospikes) this.pseudoForward(params);
    for (let i = 0; i < out.size; i++) {
      const first = out.spikeStart[i];
      const spiked = first < out.spikeStart[i + 1];
      this.outputSpiked[i] = spiked ? 1 : 0;
      this.firstSpike[i] = first;
      this.outputTimes[i] = spiked
        ? out.spikeTime(first)
        : pseudospikes
          ? duration + neuron.period - this.pseudoValue[last][i]
          : Infinity;
    }
    return {
      outputTimes: this.outputTimes,
      outputSpiked: this.outputSpiked,
      spikeCounts: this.tapes.map((t) => t.spikes.count),
    };
  }

  /** Spikes of layer `l` from the last `run`, in time order. */
  layerSpikes(l: number): SpikeTrain {
    return this.tapes[l].train;
  }

  /** End-of-trial phases of layer `l` from the last `run`. */
  finalPhases(l: number): Float64Array {
    return this.tapes[l].finalPhase;
  }

  /**
   * The rate network that defines pseudospikes: layer l's drive is `W·r` of the layer below (the
   * input layer's rate is 0), its value `H(φ_T, drive)`, its rate `H/Θ`; an output neuron's
   * first pseudospike is at `T + Θ − H`.
   */
  private pseudoForward(params: ThetaParams): void {
    const { neuron } = this.spec;
    this.tapes.forEach((tape, l) => {
      const drive = this.pseudoDrive[l];
      drive.fill(0);
      if (l > 0) accumulateDrive(params.kernels[l], this.pseudoValue[l - 1], 1 / neuron.period, drive);
      for (let i = 0; i < tape.size; i++) {
        this.pseudoValue[l][i] = thetaTransfer(neuron, tape.finalPhase[i], drive[i]);
      }
    });
  }

  /**
   * Adds the gradient of a loss to `grads`, given `dTimes` = ∂L/∂(output times) for the sample of
   * the last `run` (a silent output without pseudospikes must have 0).
   */
  backward(params: ThetaParams, dTimes: Float64Array, grads: ThetaParams): void {
    const { neuron, pseudospikes } = this.spec;
    const last = this.tapes.length - 1;
    for (let l = 0; l <= last; l++) {
      const count = this.tapes[l].spikes.count;
      if (!(this.adjSpikes[l]?.length >= count))
        this.adjSpikes[l] = new Float64Array(Math.max(64, 2 * count));
      this.adjSpikes[l].fill(0, 0, count);
      this.adjFinal[l].fill(0);
    }
    const out = this.tapes[last];
    let pseudo = false;
    for (let i = 0; i < out.size; i++) {
      if (this.outputSpiked[i]) this.adjSpikes[last][this.firstSpike[i]] += dTimes[i];
      else pseudo ||= pseudospikes && dTimes[i] !== 0;
    }
    if (pseudo) this.pseudoBackward(params, dTimes, grads);
    for (let l = last; l >= 0; l--) {
      const tape = this.tapes[l];
      const previous = l > 0 ? this.tapes[l - 1] : undefined;
      thetaLayerBackward(
        neuron,
        tape,
        this.adjSpikes[l],
        this.adjFinal[l],
        grads.kernels[l],
        grads.phases[l],
        previous,
        previous && this.adjSpikes[l - 1],
        this.transfer,
      );
    }
  }

  private pseudoBackward(params: ThetaParams, dTimes: Float64Array, grads: ThetaParams): void {
    const { neuron } = this.spec;
    const last = this.tapes.length - 1;
    // ∂L/∂H of the output: t = T + Θ − H.
    let adjValue = this.adjValue[last];
    for (let i = 0; i < adjValue.length; i++) adjValue[i] = this.outputSpiked[i] ? 0 : -dTimes[i];
    for (let l = last; l >= 0; l--) {
      const tape = this.tapes[l];
      const n = tape.size;
      const drive = this.pseudoDrive[l];
      const adjDrive = this.adjDrive;
      for (let i = 0; i < n; i++) {
        const a = adjValue[i];
        if (a === 0) {
          adjDrive[i] = 0;
          continue;
        }
        const g = thetaTransferSlopes(neuron, tape.finalPhase[i], drive[i], this.transfer);
        this.adjFinal[l][i] += a * g.dPhase;
        adjDrive[i] = a * g.dWeight;
      }
      if (l === 0) break; // the input layer's rate is 0: the drive of layer 0 is constant
      // drive_i = Σ_j W_ji · H_j/Θ over the layer below.
      const kernel = params.kernels[l];
      const gradKernel = grads.kernels[l];
      const below = this.pseudoValue[l - 1];
      const adjBelow = this.adjValue[l - 1];
      for (let j = 0; j < below.length; j++) {
        const row = j * n;
        const rate = below[j] / neuron.period;
        let sum = 0;
        for (let i = 0; i < n; i++) {
          gradKernel[row + i] += adjDrive[i] * rate;
          sum += kernel[row + i] * adjDrive[i];
        }
        adjBelow[j] = sum / neuron.period;
      }
      adjValue = adjBelow;
    }
  }
}

/** `drive += scale · values · kernel` (kernel input-major). */
function accumulateDrive(
  kernel: Float64Array,
  values: Float64Array,
  scale: number,
  drive: Float64Array,
): void {
  const n = drive.length;
  for (let j = 0; j < values.length; j++) {
    const r = values[j] * scale;
    if (r === 0) continue;
    const row = j * n;
    for (let i = 0; i < n; i++) drive[i] += kernel[row + i] * r;
  }
}

/**
 * The adjoint of `simulateThetaLayer`: walks each neuron's pulses and spikes backwards. Given
 * ∂L/∂(spike times) and ∂L/∂(end phases), adds ∂L/∂kernel and ∂L/∂(initial phases), and adds
 * ∂L/∂(input times) to the previous layer's spike adjoints.
 */
function thetaLayerBackward(
  neuron: ThetaNeuron,
  tape: ThetaLayerTape,
  adjSpikes: Float64Array,
  adjFinal: Float64Array,
  gradKernel: Float64Array,
  gradPhase: Float64Array,
  previous: ThetaLayerTape | undefined,
  adjPrevious: Float64Array | undefined,
  scratch: ThetaSlopes,
): void {
  const n = tape.size;
  const groups = tape.groupCount;
  const bound = thetaTangentBound(neuron);
  const afterGroup = tape.spikes.ints2;
  const sources = tape.input.sources;
  const index = previous?.train.index;
  for (let i = 0; i < n; i++) {
    const first = tape.spikeStart[i];
    let s = tape.spikeStart[i + 1] - 1;
    // λ: ∂L/∂(phase just before the next op in forward order); the end comes last.
    let lambda = adjFinal[i];
    for (let g = groups - 1; g >= -1; g--) {
      while (s >= first && afterGroup[s] === g) {
        // next.before = 0 + t_next − t_spike; t_spike = t_prev + Θ − prev.after.
        const adjTime = adjSpikes[s] - lambda;
        lambda = -adjTime;
        s--;
      }
      if (g < 0) break;
      const cell = g * n + i;
      const h = thetaPulseSlopes(neuron, tape.before[cell], tape.weight[cell], bound, scratch);
      const adjBefore = lambda * h.dPhase;
      const adjWeight = lambda * h.dWeight;
      const start = tape.groupStart[g];
      const end = tape.groupStart[g + 1];
      // A pulse at t_g: ∂(before)/∂t_g = +1, ∂(next.before)/∂t_g = −1.
      const adjTime = adjBefore - lambda;
      for (let k = start; k < end; k++) {
        if (adjWeight !== 0) gradKernel[sources[k] * n + i] += adjWeight;
        if (adjPrevious !== undefined && adjTime !== 0) adjPrevious[index![k]] += adjTime;
      }
      lambda = adjBefore;
    }
    gradPhase[i] += lambda;
  }
}
