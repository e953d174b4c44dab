import { PlasticityError } from '@plasticity/core-tensors';
import type { LifConstants } from './lif.js';
import { crossingTime, stationaryTime, voltageAfter } from './lif.js';
import type { IntervalFactors } from './intervals.js';
import type { SpikeBuffer, SpikeList } from './spike-buffer.js';

// Bound once: inside test runners' vm contexts every global lookup (`Math`) is slow.
const { exp } = Math;

/** Weights of one spiking layer on the host, float64, row-major. */
export interface LayerWeights {
  readonly inputs: number;
  readonly size: number;
  /** `[inputs, size]`: `kernel[u·size + n]` is added to neuron n's current when input u spikes. */
  readonly kernel: Float64Array;
  /** `[size, size]` recurrent weights (row = presynaptic neuron), or undefined for a feed-forward layer. */
  readonly recurrent?: Float64Array;
}

/** Per-neuron scratch state, allocated once per layer and reused for every sample. */
export interface LayerState {
  readonly v: Float64Array;
  readonly i: Float64Array;
  /** 1 once a neuron stops being simulated (first-spike-only layers). */
  readonly done: Uint8Array;
}

export function layerState(size: number): LayerState {
  return { v: new Float64Array(size), i: new Float64Array(size), done: new Uint8Array(size) };
}

/** How one layer's simulation runs. */
export interface ForwardOptions {
  readonly duration: number;
  /** Stop simulating a neuron after its first spike (a TTFS output layer: later spikes cannot matter). */
  readonly firstSpikeOnly: boolean;
  /** Abort with E_DIVERGED past this many spikes in the layer (runaway weights). */
  readonly maxSpikes: number;
}

function tooManySpikes(limit: number): PlasticityError {
  return new PlasticityError(
    'E_DIVERGED',
    `a layer fired more than ${limit} spikes in one sample; the weights have run away (lower the learning rate)`,
    { limit },
  );
}

/**
 * Advances neuron `k` (which may cross the threshold in this interval) across input interval
 * `g` (see `IntervalFactors`: from `t0`, `dt` ms long, decay factors `em`, `es`), emitting
 * every threshold crossing in it.
 */
function integrateFiring(
  c: LifConstants,
  state: LayerState,
  k: number,
  g: number,
  t0: number,
  dt: number,
  em: number,
  es: number,
  out: SpikeBuffer,
  options: ForwardOptions,
): void {
  const { tauMem, tauSyn, threshold, gain } = c;
  const { v, i: cur } = state;
  let vk = v[k];
  let ik = cur[k];
  let elapsed = 0;
  let left = dt;
  let emLeft = em;
  let esLeft = es;
  for (;;) {
    const vEnd = vk * emLeft + ik * (gain * (emLeft - esLeft));
    const iEnd = ik * esLeft;
    // V only climbs towards I, so with I ≤ ϑ it cannot reach the threshold.
    let hi = -1;
    if (ik > threshold) {
      if (vEnd >= threshold) hi = left;
      else if (ik > vk && iEnd < vEnd) {
        // Rising at the start, falling at the end: the peak lies inside.
        const peak = stationaryTime(c, vk, ik);
        if (peak < left && voltageAfter(c, vk, ik, peak) >= threshold) hi = peak;
      }
    }
    if (hi < 0) {
      v[k] = vEnd;
      cur[k] = iEnd;
      return;
    }
    const s = vk >= threshold ? 0 : crossingTime(c, vk, ik, hi);
    const iSpike = ik * exp(-s / tauSyn);
    if (out.count >= options.maxSpikes) throw tooManySpikes(options.maxSpikes);
    out.push(t0 + elapsed + s, k, iSpike, g);
    vk = 0;
    ik = iSpike;
    elapsed += s;
    left = dt - elapsed;
    emLeft = exp(-left / tauMem);
    esLeft = exp(-left / tauSyn);
    if (options.firstSpikeOnly) {
      state.done[k] = 1;
      v[k] = ik * gain * (emLeft - esLeft);
      cur[k] = ik * esLeft;
      return;
    }
  }
}

/** `cur[k] += kernel[row + k]` for k < size, unrolled (V8 does not, and this loop is hot). */
function addRow(cur: Float64Array, kernel: Float64Array, row: number, size: number): void {
  let k = 0;
  for (; k + 3 < size; k += 4) {
    const r = row + k;
    cur[k] += kernel[r];
    cur[k + 1] += kernel[r + 1];
    cur[k + 2] += kernel[r + 2];
    cur[k + 3] += kernel[r + 3];
  }
  for (; k < size; k++) cur[k] += kernel[row + k];
}

/**
 * Exact event-driven simulation of a feed-forward LIF layer over `[0, duration)`: between
 * input times every neuron follows the closed form with the decay factors in `factors`
 * (computed for `input`, shared by the layer). An interval is searched for crossings only
 * when the end voltage or the bound `V ≤ v·em + i·(1 − em)` (V relaxes towards a current that
 * only decays) reaches the threshold. Writes the layer's spikes to `out`,
 * sorted by time (ties by unit), each with its interval.
 */
export function forwardFeedForward(
  c: LifConstants,
  input: SpikeList,
  weights: LayerWeights,
  factors: IntervalFactors,
  state: LayerState,
  out: SpikeBuffer,
  options: ForwardOptions,
): void {
  const { threshold } = c;
  const { size, kernel } = weights;
  const { groups, start, time, em, es, gain, rise } = factors;
  const { units } = input;
  const { v, i: cur, done } = state;
  v.fill(0);
  cur.fill(0);
  done.fill(0);
  out.clear();
  let t = 0;
  for (let g = 0; g <= groups; g++) {
    const tNext = g < groups ? time[g] : options.duration;
    const m = em[g];
    const s = es[g];
    const coupling = gain[g];
    const bound = rise[g];
    const first = out.count;
    for (let k = 0; k < size; k++) {
      const vk = v[k];
      const ik = cur[k];
      const vEnd = vk * m + ik * coupling;
      // One rarely taken branch: (vEnd ≥ ϑ) | (bound ≥ ϑ) holds whenever a crossing is possible.
      if ((vEnd >= threshold ? 1 : 0) | (vk * m + ik * bound >= threshold ? 1 : 0)) {
        if (done[k] === 0) {
          integrateFiring(c, state, k, g, t, tNext - t, m, s, out, options);
          continue;
        }
      }
      v[k] = vEnd;
      cur[k] = ik * s;
    }
    if (out.count - first > 1) out.sortTail(first);
    if (g < groups) {
      for (let e = start[g]; e < start[g + 1]; e++) addRow(cur, kernel, units[e] * size, size);
    }
    t = tNext;
  }
}

/**
 * Exact event-driven simulation of a recurrent LIF layer: like `forwardFeedForward`, but a
 * spike feeds back into the layer at once, so within an interval the simulation jumps from
 * the earliest crossing of any neuron to the next.
 */
export function forwardRecurrent(
  c: LifConstants,
  input: SpikeList,
  weights: LayerWeights,
  state: LayerState,
  out: SpikeBuffer,
  options: ForwardOptions,
): void {
  const { tauMem, tauSyn, threshold, gain } = c;
  const { size, kernel } = weights;
  const recurrent = weights.recurrent as Float64Array;
  const { v, i: cur } = state;
  v.fill(0);
  cur.fill(0);
  out.clear();
  const events = input.count;
  let t = 0;
  for (let e = 0; e <= events; e++) {
    const tNext = e < events ? input.times[e] : options.duration;
    // Jump from crossing to crossing until none is left before tNext.
    while (tNext > t) {
      const left = tNext - t;
      const em = exp(-left / tauMem);
      const es = exp(-left / tauSyn);
      let first = -1;
      let firstTime = left;
      for (let k = 0; k < size; k++) {
        const ik = cur[k];
        if (!(ik > threshold)) continue;
        const vk = v[k];
        const vEnd = vk * em + ik * gain * (em - es);
        let hi = -1;
        if (vEnd >= threshold) hi = left;
        else if (ik > vk && ik * es < vEnd) {
          const peak = stationaryTime(c, vk, ik);
          if (peak < left && voltageAfter(c, vk, ik, peak) >= threshold) hi = peak;
        }
        if (hi < 0) continue;
        const s = vk >= threshold ? 0 : crossingTime(c, vk, ik, hi);
        if (first < 0 || s < firstTime) {
          first = k;
          firstTime = s;
        }
      }
      const step = first < 0 ? left : firstTime;
      const ems = first < 0 ? em : exp(-step / tauMem);
      const ess = first < 0 ? es : exp(-step / tauSyn);
      const g = gain * (ems - ess);
      for (let k = 0; k < size; k++) {
        const ik = cur[k];
        v[k] = v[k] * ems + ik * g;
        cur[k] = ik * ess;
      }
      if (first < 0) {
        t = tNext;
        break;
      }
      t += step;
      if (out.count >= options.maxSpikes) throw tooManySpikes(options.maxSpikes);
      out.push(t, first, cur[first]);
      v[first] = 0;
      const row = first * size;
      for (let k = 0; k < size; k++) cur[k] += recurrent[row + k];
    }
    if (e < events) {
      const row = input.units[e] * size;
      for (let k = 0; k < size; k++) cur[k] += kernel[row + k];
    }
  }
}
