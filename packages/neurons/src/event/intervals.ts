import type { LifConstants } from './lif.js';
import type { SpikeList } from './spike-buffer.js';

// Bound once: inside test runners' vm contexts every global lookup (`Math`) is slow.
const { exp, max } = Math;

/**
 * A layer's input spikes grouped by time, and the decay factors of the intervals between the
 * groups, computed once per sample and shared by every neuron of the layer. Group g holds input
 * spikes `start[g] … start[g + 1] − 1` (one time, `time[g]`); interval g runs from group g − 1
 * (or 0 ms) to group g (or the window's end for g = groups), so there are `groups + 1`
 * intervals. A group at 0 ms makes interval 0 empty (factors 1, 1, 0, 0, 0: an exact no-op).
 */
export class IntervalFactors {
  /** Number of distinct input spike times. */
  groups = 0;
  start: Int32Array;
  time: Float64Array;
  /** `e^(−Δ/τm)`. */
  em: Float64Array;
  /** `e^(−Δ/τs)`. */
  es: Float64Array;
  /** `gain·(em − es)`: the forward coupling of I into V over the interval. */
  gain: Float64Array;
  /** `adjointGain·(em − es)`: the backward coupling of λV into λI. */
  adjoint: Float64Array;
  /** `1 − em`: with `em` it bounds V from above (see `forwardFeedForward`). */
  rise: Float64Array;

  constructor(capacity = 64) {
    this.start = new Int32Array(capacity + 1);
    this.time = new Float64Array(capacity);
    this.em = new Float64Array(capacity);
    this.es = new Float64Array(capacity);
    this.gain = new Float64Array(capacity);
    this.adjoint = new Float64Array(capacity);
    this.rise = new Float64Array(capacity);
  }

  /** Fills the factors for `input` over `[0, duration)`. */
  compute(c: LifConstants, input: SpikeList, duration: number): void {
    if (this.em.length < input.count + 1) this.grow(input.count + 1);
    const { tauMem, tauSyn } = c;
    const { start, time, em, es, gain, adjoint, rise } = this;
    let groups = 0;
    for (let k = 0; k < input.count; k++) {
      if (k > 0 && input.times[k] === input.times[k - 1]) continue;
      start[groups] = k;
      time[groups++] = input.times[k];
    }
    start[groups] = input.count;
    this.groups = groups;
    let t = 0;
    for (let e = 0; e <= groups; e++) {
      const end = e < groups ? time[e] : duration;
      const dt = end - t;
      if (dt > 0) {
        const m = exp(-dt / tauMem);
        const s = exp(-dt / tauSyn);
        em[e] = m;
        es[e] = s;
        gain[e] = c.gain * (m - s);
        adjoint[e] = c.adjointGain * (m - s);
        rise[e] = 1 - m;
      } else {
        em[e] = 1;
        es[e] = 1;
        gain[e] = 0;
        adjoint[e] = 0;
        rise[e] = 0;
      }
      t = end;
    }
  }

  private grow(n: number): void {
    const size = max(n, 2 * this.em.length);
    this.start = new Int32Array(size + 1);
    this.time = new Float64Array(size);
    this.em = new Float64Array(size);
    this.es = new Float64Array(size);
    this.gain = new Float64Array(size);
    this.adjoint = new Float64Array(size);
    this.rise = new Float64Array(size);
  }
}
