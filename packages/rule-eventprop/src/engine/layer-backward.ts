import type { LifConstants } from './lif.js';
import type { LayerWeights } from './layer-forward.js';
import type { SpikeList } from './spike-buffer.js';
import type { SpikeBuffer } from './spike-buffer.js';

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
      const em = Math.exp(-dt / tauMem);
      const es = Math.exp(-dt / tauSyn);
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
      lv[n] = (current * lv[n] + drive) / Math.max(current - threshold, minSlope);
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
