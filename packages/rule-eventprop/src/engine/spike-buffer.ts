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

  constructor(capacity = 64) {
    this.times = new Float64Array(capacity);
    this.units = new Int32Array(capacity);
    this.currents = new Float64Array(capacity);
  }

  clear(): void {
    this.count = 0;
  }

  push(time: number, unit: number, current: number): void {
    if (this.count === this.times.length) this.grow();
    this.times[this.count] = time;
    this.units[this.count] = unit;
    this.currents[this.count] = current;
    this.count++;
  }

  /** Bytes the stored spikes take (what the backward pass keeps per layer). */
  storedBytes(): number {
    return this.count * (Float64Array.BYTES_PER_ELEMENT * 2 + Int32Array.BYTES_PER_ELEMENT);
  }

  /** Sorts spikes `from … count−1` by time, ties by unit (insertion sort: such runs are short). */
  sortTail(from: number): void {
    const { times, units, currents } = this;
    for (let k = from + 1; k < this.count; k++) {
      const t = times[k];
      const u = units[k];
      const c = currents[k];
      let j = k - 1;
      while (j >= from && (times[j] > t || (times[j] === t && units[j] > u))) {
        times[j + 1] = times[j];
        units[j + 1] = units[j];
        currents[j + 1] = currents[j];
        j--;
      }
      times[j + 1] = t;
      units[j + 1] = u;
      currents[j + 1] = c;
    }
  }

  private grow(): void {
    const size = this.times.length * 2;
    const times = new Float64Array(size);
    const units = new Int32Array(size);
    const currents = new Float64Array(size);
    times.set(this.times);
    units.set(this.units);
    currents.set(this.currents);
    this.times = times;
    this.units = units;
    this.currents = currents;
  }
}

/** Read-only view of a time-sorted spike list (a layer's input or output). */
export interface SpikeList {
  readonly count: number;
  readonly times: ArrayLike<number>;
  readonly units: ArrayLike<number>;
}
