// Bound once: inside test runners' vm contexts every global lookup (`Math`) is slow.
const { max } = Math;

/**
 * A growable list of spikes, reused from sample to sample so the simulation allocates only
 * when a sample has more spikes than any before it. Per spike it keeps what the backward pass
 * needs and nothing else: the time (ms), the unit and the synaptic current at that moment.
 */
export class SpikeBuffer {
  count = 0;
  times: Float64Array;
  units: Int32Array;
  /** `I` of the spiking neuron just before its spike (`τm·dV/dt = I − ϑ` there). */
  currents: Float64Array;
  /** Feed-forward layers: the input interval the spike fell in (see `IntervalFactors`). */
  intervals: Int32Array;

  constructor(capacity = 64) {
    this.times = new Float64Array(capacity);
    this.units = new Int32Array(capacity);
    this.currents = new Float64Array(capacity);
    this.intervals = new Int32Array(capacity);
  }

  clear(): void {
    this.count = 0;
  }

  push(time: number, unit: number, current: number, interval = 0): void {
    if (this.count === this.times.length) this.grow();
    this.times[this.count] = time;
    this.units[this.count] = unit;
    this.currents[this.count] = current;
    this.intervals[this.count] = interval;
    this.count++;
  }

  /** Bytes the stored spikes take (what the backward pass keeps per layer). */
  storedBytes(): number {
    return this.count * (Float64Array.BYTES_PER_ELEMENT * 2 + Int32Array.BYTES_PER_ELEMENT * 2);
  }

  /** Sorts spikes `from … count−1` by time, ties by unit (insertion sort: such runs are short). */
  sortTail(from: number): void {
    const { times, units, currents, intervals } = this;
    for (let k = from + 1; k < this.count; k++) {
      const t = times[k];
      const u = units[k];
      if (times[k - 1] < t || (times[k - 1] === t && units[k - 1] < u)) continue;
      const c = currents[k];
      const g = intervals[k];
      let j = k - 1;
      while (j >= from && (times[j] > t || (times[j] === t && units[j] > u))) {
        times[j + 1] = times[j];
        units[j + 1] = units[j];
        currents[j + 1] = currents[j];
        intervals[j + 1] = intervals[j];
        j--;
      }
      times[j + 1] = t;
      units[j + 1] = u;
      currents[j + 1] = c;
      intervals[j + 1] = g;
    }
  }

  private grow(): void {
    const size = this.times.length * 2;
    const times = new Float64Array(size);
    const units = new Int32Array(size);
    const currents = new Float64Array(size);
    const intervals = new Int32Array(size);
    times.set(this.times);
    units.set(this.units);
    currents.set(this.currents);
    intervals.set(this.intervals);
    this.times = times;
    this.units = units;
    this.currents = currents;
    this.intervals = intervals;
  }
}

/** Read-only view of a time-sorted spike list (a layer's input or output). */
export interface SpikeList {
  readonly count: number;
  readonly times: ArrayLike<number>;
  readonly units: ArrayLike<number>;
}

/**
 * A feed-forward layer's spikes grouped by neuron, each neuron's in time order, for its
 * neuron-by-neuron backward pass: neuron n's spikes are `start[n] … start[n + 1] − 1`, and
 * `positions` maps each to its index in the layer's time-sorted `SpikeBuffer`.
 */
export class NeuronSpikes {
  readonly start: Int32Array;
  positions = new Int32Array(64);

  constructor(size: number) {
    this.start = new Int32Array(size + 1);
  }

  /** Groups `spikes` (sorted by time) by neuron: a stable counting sort, O(spikes + neurons). */
  group(spikes: SpikeBuffer): void {
    const { start } = this;
    const size = start.length - 1;
    const n = spikes.count;
    if (this.positions.length < n) this.positions = new Int32Array(max(n, 2 * this.positions.length));
    const { positions } = this;
    start.fill(0);
    for (let k = 0; k < n; k++) start[spikes.units[k] + 1]++;
    for (let u = 0; u < size; u++) start[u + 1] += start[u];
    for (let k = 0; k < n; k++) positions[start[spikes.units[k]]++] = k;
    // start[u] now ends neuron u's run: shift back by one run.
    for (let u = size; u > 0; u--) start[u] = start[u - 1];
    start[0] = 0;
  }

  /** Bytes per sample kept besides the time-sorted list (`start` is per-neuron scratch, like the state). */
  storedBytes(): number {
    return this.start[this.start.length - 1] * Int32Array.BYTES_PER_ELEMENT;
  }
}
