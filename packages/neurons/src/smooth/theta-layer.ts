import type { ThetaNeuron } from './theta.js';
import { thetaPhaseOfTangent, thetaTangent, thetaTangentBound } from './theta.js';

/** Spikes in time order: `times[k]` from `sources[k]`. */
export interface SpikeTrain {
  readonly count: number;
  readonly times: Float64Array;
  readonly sources: Int32Array;
}

/** A Float64Array/Int32Array pair that grows by doubling. */
class Growable {
  times = new Float64Array(64);
  ints = new Int32Array(64);
  ints2 = new Int32Array(64);
  count = 0;
  push(time: number, a: number, b: number): void {
    if (this.count === this.times.length) {
      const grow = <T extends Float64Array | Int32Array>(old: T, make: (n: number) => T): T => {
        const next = make(old.length * 2);
        next.set(old);
        return next;
      };
      this.times = grow(this.times, (n) => new Float64Array(n));
      this.ints = grow(this.ints, (n) => new Int32Array(n));
      this.ints2 = grow(this.ints2, (n) => new Int32Array(n));
    }
    this.times[this.count] = time;
    this.ints[this.count] = a;
    this.ints2[this.count] = b;
    this.count++;
  }
}

/**
 * What one layer's exact simulation of one sample records for its adjoint: the input pulses
 * grouped by time, each neuron's phase just before every pulse, its spikes and its phase at the
 * trial end. Buffers are reused from sample to sample.
 */
export class ThetaLayerTape {
  readonly size: number;
  /** Pulse groups: inputs arriving at the same time act as one pulse of their summed weight. */
  groupCount = 0;
  groupTime = new Float64Array(64);
  /** Input spikes `groupStart[g] .. groupStart[g + 1]` form group g. */
  groupStart = new Int32Array(65);
  /** `[group, neuron]`: the phase's tangent `u` just before the pulse, and the pulse's summed weight. */
  before = new Float64Array(0);
  weight = new Float64Array(0);
  /** Per group: tan of the phase angle of the step from the group before (NaN: too long). */
  stepTangent = new Float64Array(64);
  /** Spikes in neuron order (neuron by neuron, each in time order); `ints2` = last group before. */
  readonly spikes = new Growable();
  /** `spikeStart[i] .. spikeStart[i + 1]`: neuron i's spikes in `spikes`. */
  readonly spikeStart: Int32Array;
  /** The same spikes in time order, as the next layer's input. */
  readonly train: { count: number; times: Float64Array; sources: Int32Array; index: Int32Array };
  /** The input of the last simulation (read by the adjoint; the caller keeps it unchanged). */
  input: SpikeTrain = { count: 0, times: new Float64Array(0), sources: new Int32Array(0) };
  /** Phase at the trial end. */
  readonly finalPhase: Float64Array;

  constructor(size: number) {
    this.size = size;
    this.spikeStart = new Int32Array(size + 1);
    this.finalPhase = new Float64Array(size);
    this.train = {
      count: 0,
      times: new Float64Array(64),
      sources: new Int32Array(64),
      index: new Int32Array(64),
    };
  }

  /** Spike `k` of neuron order's time. */
  spikeTime(k: number): number {
    return this.spikes.times[k];
  }

  reserveGroups(groups: number): void {
    if (this.groupTime.length < groups) this.groupTime = new Float64Array(groups * 2);
    if (this.groupStart.length < groups + 1) this.groupStart = new Int32Array(groups * 2 + 1);
    const cells = groups * this.size;
    if (this.before.length < cells) {
      this.before = new Float64Array(cells * 2);
      this.weight = new Float64Array(cells * 2);
    }
    if (this.stepTangent.length < groups) this.stepTangent = new Float64Array(groups * 2);
  }
}

/**
 * Simulates one layer of theta neurons exactly over `[0, duration)`: each neuron's phase grows
 * at rate 1, input pulses map it through `H`, it spikes on reaching Θ and restarts from 0. Inputs
 * with equal times are grouped when `group` (exact for fixed input times: pulses add in V).
 */
export function simulateThetaLayer(
  neuron: ThetaNeuron,
  duration: number,
  kernel: Float64Array,
  initialPhase: Float64Array,
  input: SpikeTrain,
  group: boolean,
  tape: ThetaLayerTape,
): void {
  const n = tape.size;
  // Group the inputs that arrive inside the trial.
  let groups = 0;
  let inputs = 0;
  while (inputs < input.count && input.times[inputs] < duration) inputs++;
  tape.reserveGroups(inputs);
  tape.input = input;
  for (let k = 0; k < inputs; k++) {
    if (!group || groups === 0 || input.times[k] !== tape.groupTime[groups - 1]) {
      tape.groupTime[groups] = input.times[k];
      tape.groupStart[groups] = k;
      groups++;
    }
  }
  tape.groupStart[groups] = inputs;
  tape.groupCount = groups;

  // Summed pulse weight per (group, neuron): rows of the kernel are contiguous in the neuron.
  const weight = tape.weight;
  weight.fill(0, 0, groups * n);
  for (let g = 0; g < groups; g++) {
    const row = g * n;
    for (let k = tape.groupStart[g]; k < tape.groupStart[g + 1]; k++) {
      const offset = input.sources[k] * n;
      for (let i = 0; i < n; i++) weight[row + i] += kernel[offset + i];
    }
  }

  // The step to each group from the one before, as the tangent of its phase angle; NaN when the
  // angle reaches π/2 (then that step goes through the phase).
  const { period, omega, tau } = neuron;
  const shared = tape.stepTangent;
  for (let g = 0; g < groups; g++) {
    const angle = ((tape.groupTime[g] - (g > 0 ? tape.groupTime[g - 1] : 0)) * omega) / tau;
    shared[g] = angle < Math.PI / 2 ? Math.tan(angle) : NaN;
  }
  const bound = thetaTangentBound(neuron);
  const toPhase = (u: number) => thetaPhaseOfTangent(neuron, u);

  const spikes = tape.spikes;
  spikes.count = 0;
  const before = tape.before;
  for (let i = 0; i < n; i++) {
    tape.spikeStart[i] = spikes.count;
    let u = thetaTangent(neuron, initialPhase[i]);
    let time = 0;
    for (let g = 0; g < groups; g++) {
      const next = tape.groupTime[g];
      const t = shared[g];
      if (u * t < 1) {
        u = (u + t) / (1 - u * t); // no spike on the way (and t is a number)
      } else {
        // A spike on the way, or a long step: through the phase.
        let phase = toPhase(u);
        while (phase + (next - time) >= period) {
          time += period - phase;
          spikes.push(time, i, g - 1);
          phase = 0;
        }
        u = thetaTangent(neuron, phase + (next - time));
      }
      time = next;
      before[g * n + i] = u;
      if (u > -bound && u < bound) u += weight[g * n + i] / omega;
    }
    let phase = toPhase(u);
    while (phase + (duration - time) >= period && time + (period - phase) < duration) {
      time += period - phase;
      spikes.push(time, i, groups - 1);
      phase = 0;
    }
    tape.finalPhase[i] = phase + (duration - time);
  }
  tape.spikeStart[n] = spikes.count;
  sortSpikes(tape);
}

/** Fills `tape.train` with the layer's spikes in time order (ties by neuron). */
function sortSpikes(tape: ThetaLayerTape): void {
  const { spikes, train } = tape;
  const count = spikes.count;
  if (train.times.length < count) {
    train.times = new Float64Array(count * 2);
    train.sources = new Int32Array(count * 2);
    train.index = new Int32Array(count * 2);
  }
  const order = Array.from({ length: count }, (_, k) => k);
  order.sort((a, b) => spikes.times[a] - spikes.times[b] || spikes.ints[a] - spikes.ints[b]);
  for (let k = 0; k < count; k++) {
    const s = order[k];
    train.times[k] = spikes.times[s];
    train.sources[k] = spikes.ints[s];
    train.index[k] = s;
  }
  train.count = count;
}
