import type { LifConstants } from './lif.js';
import type { LayerWeights } from './layer-forward.js';
import type { IntervalFactors } from './intervals.js';
import type { NeuronSpikes, SpikeBuffer, SpikeList } from './spike-buffer.js';

// Bound once: inside test runners' vm contexts every global lookup (`Math`) is slow.
const { exp, floor, max, min } = Math;

/** Adjoint scratch state of one layer, reused for every sample. */
export interface AdjointState {
  readonly lv: Float64Array;
  readonly li: Float64Array;
}

export function adjointState(size: number): AdjointState {
  return { lv: new Float64Array(size), li: new Float64Array(size) };
}

/** Where a layer's backward pass adds its results. */
export interface LayerGradients {
  /** `[inputs, size]`, accumulated. */
  readonly kernel: Float64Array;
  /** `[size, size]`, accumulated (recurrent layers). */
  readonly recurrent?: Float64Array;
  /**
   * Per input spike: how the loss changes when that spike moves later (accumulated), i.e. the
   * drive its own neuron's adjoint jump needs. Undefined when the inputs are data.
   */
  readonly inputTimes?: Float64Array;
}

// A crossing with I ≈ ϑ is tangential: its time derivative diverges. The floor keeps one such
// spike from producing an infinite gradient.
const MIN_SLOPE = 1e-6;

/**
 * EventProp backward pass of one LIF layer (Wunderlich & Pehle 2021), exact in reversed time:
 * between events `τm λV' = −λV`, `τs λI' = −λI + λV` in closed form with decay factors shared by
 * the layer; at an input spike of unit u, `dL/dW[u, n] −= τs·λI_n`; at the layer's own spike k of
 * neuron n, `λV_n ← (I_n·λV_n + Σ_m W_nm(λV_m − λI_m) + ∂L/∂t_k)/(I_n − ϑ)` where the sum
 * runs over the layer's recurrent targets and `spikeDrive[k]` brings the rest of ∂L/∂t_k (the
 * layers above and the loss). Derivation: README.
 */
export function backwardLayer(
  c: LifConstants,
  input: SpikeList,
  weights: LayerWeights,
  spikes: SpikeBuffer,
  spikeDrive: Float64Array,
  state: AdjointState,
  grads: LayerGradients,
  duration: number,
): void {
  const { tauMem, tauSyn, threshold, adjointGain } = c;
  const { size, kernel, recurrent } = weights;
  const { lv, li } = state;
  const kernelGrad = grads.kernel;
  const recurrentGrad = grads.recurrent;
  const inputTimes = grads.inputTimes;
  lv.fill(0);
  li.fill(0);
  const minSlope = MIN_SLOPE * threshold;
  let t = duration;
  let e = input.count - 1;
  let k = spikes.count - 1;
  while (e >= 0 || k >= 0) {
    // At equal times the own spike came after the input in the forward pass: undo it first.
    const ownSpike = k >= 0 && (e < 0 || spikes.times[k] >= input.times[e]);
    const tEvent = ownSpike ? spikes.times[k] : input.times[e];
    const dt = t - tEvent;
    if (dt > 0) {
      const em = exp(-dt / tauMem);
      const es = exp(-dt / tauSyn);
      const g = adjointGain * (em - es);
      for (let m = 0; m < size; m++) {
        const l = lv[m];
        li[m] = li[m] * es + l * g;
        lv[m] = l * em;
      }
    }
    t = tEvent;
    if (ownSpike) {
      const n = spikes.units[k];
      let drive = spikeDrive[k];
      if (recurrent !== undefined && recurrentGrad !== undefined) {
        const row = n * size;
        for (let m = 0; m < size; m++) {
          const lim = li[m];
          drive += recurrent[row + m] * (lv[m] - lim);
          recurrentGrad[row + m] -= tauSyn * lim;
        }
      }
      const current = spikes.currents[k];
      lv[n] = (current * lv[n] + drive) / max(current - threshold, minSlope);
      k--;
    } else {
      const row = input.units[e] * size;
      for (let m = 0; m < size; m++) kernelGrad[row + m] -= tauSyn * li[m];
      if (inputTimes !== undefined) {
        let acc = 0;
        for (let m = 0; m < size; m++) acc += kernel[row + m] * (lv[m] - li[m]);
        inputTimes[e] += acc;
      }
      e--;
    }
  }
}

/**
 * A block of a feed-forward layer's adjoints at its input times, `[groups × width]` row-major:
 * row g − 1 holds, per neuron of the block, `τs·λI` and `λV − λI` where input group g − 1 opens
 * interval g (zero where the neuron's adjoints are zero). At most `maxEntries` values, so long
 * inputs are handled in narrower blocks of neurons; reused for every sample.
 */
export class InputAdjoints {
  weight = new Float64Array(0);
  time = new Float64Array(0);

  constructor(readonly maxEntries = 1 << 18) {}

  /** Neurons per block for `groups` input times (at least one). */
  width(groups: number, size: number): number {
    return max(1, min(size, floor(this.maxEntries / max(groups, 1))));
  }

  /** Zeroed rows for `groups` input times of `width` neurons. */
  reset(groups: number, width: number, withTime: boolean): void {
    const n = groups * width;
    if (this.weight.length < n) {
      this.weight = new Float64Array(max(n, min(2 * this.weight.length, this.maxEntries)));
      this.time = new Float64Array(this.weight.length);
    }
    this.weight.fill(0, 0, n);
    if (withTime) this.time.fill(0, 0, n);
  }
}

/**
 * EventProp backward pass of a feed-forward LIF layer, one block of neurons at a time. First
 * neuron by neuron: the same adjoint dynamics and jumps as `backwardLayer`, but a neuron's
 * adjoints are zero after its last spike (in forward time), so only the input intervals before
 * it are visited, with the decay factors the forward pass computed (`factors`); an interval
 * holding the neuron's own spikes is split at them; silent neurons cost nothing. The adjoints at
 * each input time go to `at`; then, input spike by input spike, whole rows of the block:
 * `dL/dW[u, ·] −= τs·λI` and `∂L/∂t_e += W[u, ·]·(λV − λI)`. `byNeuron` groups `spikes`.
 */
export function backwardFeedForward(
  c: LifConstants,
  input: SpikeList,
  weights: LayerWeights,
  factors: IntervalFactors,
  spikes: SpikeBuffer,
  byNeuron: NeuronSpikes,
  spikeDrive: Float64Array,
  at: InputAdjoints,
  grads: LayerGradients,
  duration: number,
): void {
  const { tauMem, tauSyn, threshold, adjointGain } = c;
  const { size, kernel } = weights;
  const { groups, start, time, em, es, adjoint } = factors;
  const { times: spikeTimes, currents, intervals } = spikes;
  const { positions } = byNeuron;
  const kernelGrad = grads.kernel;
  const inputTimes = grads.inputTimes;
  const withTime = inputTimes !== undefined;
  const { units } = input;
  const minSlope = MIN_SLOPE * threshold;
  const width = at.width(groups, size);
  for (let n0 = 0; n0 < size; n0 += width) {
    const block = min(width, size - n0);
    at.reset(groups, block, withTime);
    const { weight: atWeight, time: atTime } = at;
    for (let b = 0; b < block; b++) {
      const n = n0 + b;
      const first = byNeuron.start[n];
      let j = byNeuron.start[n + 1] - 1;
      if (j < first) continue;
      // k: the time-sorted index of the neuron's spike j (its spikes are visited last to first).
      let k = positions[j];
      let lv = 0;
      let li = 0;
      for (let g = intervals[k]; g >= 0; g--) {
        if (j >= first && intervals[k] === g) {
          // Split the interval at the neuron's spikes: fresh decay factors per piece.
          let t = g < groups ? time[g] : duration;
          const t0 = g > 0 ? time[g - 1] : 0;
          for (;;) {
            const last = j < first || intervals[k] !== g;
            const to = last ? t0 : spikeTimes[k];
            const dt = t - to;
            if (dt > 0 && (lv !== 0 || li !== 0)) {
              const m = exp(-dt / tauMem);
              const s = exp(-dt / tauSyn);
              li = li * s + lv * adjointGain * (m - s);
              lv *= m;
            }
            t = to;
            if (last) break;
            const current = currents[k];
            lv = (current * lv + spikeDrive[k]) / max(current - threshold, minSlope);
            j--;
            if (j >= first) k = positions[j];
          }
        } else {
          li = li * es[g] + lv * adjoint[g];
          lv *= em[g];
        }
        if (g > 0) {
          atWeight[(g - 1) * block + b] = tauSyn * li;
          if (withTime) atTime[(g - 1) * block + b] = lv - li;
        }
      }
    }
    for (let g = 0; g < groups; g++) {
      const from = g * block;
      for (let e = start[g]; e < start[g + 1]; e++) {
        const row = units[e] * size + n0;
        subtractRow(kernelGrad, row, atWeight, from, block);
        if (inputTimes !== undefined) inputTimes[e] += dotRows(kernel, row, atTime, from, block);
      }
    }
  }
}

/** `a[ra + k] −= b[rb + k]` for k < size, unrolled. */
function subtractRow(a: Float64Array, ra: number, b: Float64Array, rb: number, size: number): void {
  let k = 0;
  for (; k + 3 < size; k += 4) {
    a[ra + k] -= b[rb + k];
    a[ra + k + 1] -= b[rb + k + 1];
    a[ra + k + 2] -= b[rb + k + 2];
    a[ra + k + 3] -= b[rb + k + 3];
  }
  for (; k < size; k++) a[ra + k] -= b[rb + k];
}

/** `Σ_k a[ra + k]·b[rb + k]` for k < size. */
function dotRows(a: Float64Array, ra: number, b: Float64Array, rb: number, size: number): number {
  let sum = 0;
  for (let k = 0; k < size; k++) sum += a[ra + k] * b[rb + k];
  return sum;
}
