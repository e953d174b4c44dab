import type { Rng, SpikeEvents } from '@plasticity/core-tensors';
import type { StdpConfig } from './config.js';
import { rateSpikes } from './input-spikes.js';
import type { InputSpikes } from './input-spikes.js';

/** The layer's learned state, row-major: input weights `[inputs × hidden]`, threshold increases `[hidden]`. */
export interface CompetitiveLayer {
  readonly weights: Float32Array;
  readonly theta: Float32Array;
  readonly hidden: number;
}

export type LayerSettings = Pick<StdpConfig, 'tauMem' | 'tauTrace' | 'threshold'>;

/** What one presentation gives: spike counts, and with `learn` the two STDP pair sums. */
export interface Presentation {
  /** Spikes per sample and neuron, `[batch × hidden]`. */
  readonly counts: Float32Array;
  /** Σ preTrace·post over steps and samples, `[inputs × hidden]`: pre before (or with) post. */
  readonly prePost?: Float64Array;
  /** Σ pre·postTrace (the trace before this step's spike), `[inputs × hidden]`: post before pre. */
  readonly postPre?: Float64Array;
  /** The neuron that fired at each step of each sample, or −1, `[batch × steps]`. */
  readonly winners: Int32Array;
}

/** Each sample's input and output spikes (times in ms from the start of its showing). */
export interface Rasters {
  readonly input: SpikeEvents[];
  readonly output: SpikeEvents[];
}

/**
 * Shows input spikes to a layer of LIF neurons (1 ms steps, `v ← e^(−1/τm)·v + Σ w·pre`) with
 * winner-take-all inhibition: at each step, of the neurons at or above `threshold + θ`, only
 * the one furthest above fires, and its spike resets every membrane of that sample (the strong
 * lateral inhibition of Diehl & Cook 2015, folded into one step). Traces jump by 1 at a spike
 * and decay with `tauTrace`. Runs on the host, event by event: input spikes are sparse, and each
 * step has at most one output spike per sample.
 */
export function present(
  layer: CompetitiveLayer,
  spikes: InputSpikes,
  settings: LayerSettings,
  learn: boolean,
): Presentation {
  const { batch, steps, inputs, offsets, indices } = spikes;
  const { weights, theta, hidden } = layer;
  const leak = Math.exp(-1 / settings.tauMem);
  const decay = Math.exp(-1 / settings.tauTrace);
  const counts = new Float32Array(batch * hidden);
  const winners = new Int32Array(batch * steps).fill(-1);
  const prePost = learn ? new Float64Array(inputs * hidden) : undefined;
  const postPre = learn ? new Float64Array(inputs * hidden) : undefined;
  const v = new Float64Array(hidden);
  const preTrace = new Float64Array(inputs);
  const postTrace = new Float64Array(hidden);
  for (let b = 0; b < batch; b++) {
    v.fill(0);
    preTrace.fill(0);
    postTrace.fill(0);
    for (let t = 0; t < steps; t++) {
      const [from, to] = [offsets[b * steps + t], offsets[b * steps + t + 1]];
      for (let j = 0; j < hidden; j++) v[j] *= leak;
      for (let k = from; k < to; k++) {
        const row = indices[k] * hidden;
        for (let j = 0; j < hidden; j++) v[j] += weights[row + j];
      }
      let winner = -1;
      let best = -Infinity;
      for (let j = 0; j < hidden; j++) {
        const above = v[j] - settings.threshold - theta[j];
        if (above >= 0 && above > best) [winner, best] = [j, above];
      }
      if (prePost && postPre) {
        for (let i = 0; i < inputs; i++) preTrace[i] *= decay;
        for (let j = 0; j < hidden; j++) postTrace[j] *= decay;
        for (let k = from; k < to; k++) {
          const i = indices[k];
          preTrace[i] += 1;
          const row = i * hidden;
          for (let j = 0; j < hidden; j++) postPre[row + j] += postTrace[j];
        }
        if (winner >= 0) {
          for (let i = 0; i < inputs; i++) prePost[i * hidden + winner] += preTrace[i];
          postTrace[winner] += 1;
        }
      }
      if (winner >= 0) {
        winners[b * steps + t] = winner;
        counts[b * hidden + winner] += 1;
        v.fill(0);
      }
    }
  }
  return { counts, prePost, postPre, winners };
}

/** Showings of a too-quiet sample beyond the first, each at twice the rate of the one before. */
export const RETRIES = 3;

export type ShowSettings = LayerSettings & Pick<StdpConfig, 'steps' | 'inputRate' | 'minSpikes'>;

/**
 * Rate-codes intensities `[batch × inputs]` and presents them; a sample that draws fewer than
 * `minSpikes` output spikes is shown again at twice the input rate, up to `RETRIES` times, as
 * Diehl & Cook did (faint inputs would otherwise teach nothing). Its counts (and with `record`
 * its rasters) are those of its last showing; the STDP sums of every showing add up (a silent
 * showing adds nothing).
 */
export function presentRateCoded(
  layer: CompetitiveLayer,
  intensities: Float32Array,
  batch: number,
  settings: ShowSettings,
  learn: boolean,
  rng: Rng,
  record = false,
): Presentation & { readonly rasters?: Rasters } {
  const { hidden } = layer;
  const { steps } = settings;
  const inputs = intensities.length / batch;
  const counts = new Float32Array(batch * hidden);
  const winners = new Int32Array(batch * steps);
  const rasters: Rasters | undefined = record ? { input: [], output: [] } : undefined;
  let pending = Array.from({ length: batch }, (_, b) => b);
  let prePost: Float64Array | undefined;
  let postPre: Float64Array | undefined;
  for (let showing = 0; showing <= RETRIES && pending.length > 0; showing++) {
    const subset = new Float32Array(pending.length * inputs);
    pending.forEach((b, k) => subset.set(intensities.subarray(b * inputs, (b + 1) * inputs), k * inputs));
    const rate = settings.inputRate * 2 ** showing;
    const spikes = rateSpikes(subset, pending.length, settings.steps, rate, rng.fork(showing));
    const shown = present(layer, spikes, settings, learn);
    prePost = add(prePost, shown.prePost);
    postPre = add(postPre, shown.postPre);
    const quiet: number[] = [];
    pending.forEach((b, k) => {
      const row = shown.counts.subarray(k * hidden, (k + 1) * hidden);
      counts.set(row, b * hidden);
      winners.set(shown.winners.subarray(k * steps, (k + 1) * steps), b * steps);
      if (rasters) {
        rasters.input[b] = inputRaster(spikes, k);
        rasters.output[b] = outputRaster(shown.winners.subarray(k * steps, (k + 1) * steps));
      }
      if (row.reduce((a, c) => a + c, 0) < settings.minSpikes) quiet.push(b);
    });
    pending = quiet;
  }
  return { counts, prePost, postPre, winners, rasters };
}

function inputRaster(spikes: InputSpikes, sample: number): SpikeEvents {
  const [from, to] = [spikes.offsets[sample * spikes.steps], spikes.offsets[(sample + 1) * spikes.steps]];
  const times = new Float32Array(to - from);
  for (let t = 0; t < spikes.steps; t++) {
    const at = spikes.offsets[sample * spikes.steps + t];
    times.fill(t, at - from, spikes.offsets[sample * spikes.steps + t + 1] - from);
  }
  return { times, units: spikes.indices.slice(from, to) };
}

function outputRaster(winners: Int32Array): SpikeEvents {
  const steps = [...winners.keys()].filter((t) => winners[t] >= 0);
  return { times: Float32Array.from(steps), units: Int32Array.from(steps, (t) => winners[t]) };
}

function add(total: Float64Array | undefined, part: Float64Array | undefined): Float64Array | undefined {
  if (!total || !part) return part ?? total;
  for (let k = 0; k < total.length; k++) total[k] += part[k];
  return total;
}

/**
 * The STDP step on the weights, once per batch: `W + a₊·prePost − a₋·postPre`, clipped at 0,
 * then each neuron's incoming weights scaled back to sum 1 (Diehl & Cook's normalisation, which
 * makes the neurons compete for input rather than all grow). Returns new weights.
 */
export function stdpUpdate(
  layer: CompetitiveLayer,
  presentation: Pick<Presentation, 'prePost' | 'postPre'>,
  rates: Pick<StdpConfig, 'potentiation' | 'depression'>,
): Float32Array {
  const { weights, hidden } = layer;
  const { prePost, postPre } = presentation;
  if (!prePost || !postPre) throw new Error('stdpUpdate needs a presentation made with learn = true');
  const grown = new Float64Array(weights.length);
  for (let k = 0; k < weights.length; k++)
    grown[k] = Math.max(0, weights[k] + rates.potentiation * prePost[k] - rates.depression * postPre[k]);
  return normalizeColumns(grown, hidden);
}

/** `weights` `[inputs × hidden]` with each column scaled to sum 1 (an all-zero column stays 0). */
export function normalizeColumns(weights: ArrayLike<number>, hidden: number): Float32Array {
  const sums = new Float64Array(hidden);
  for (let k = 0; k < weights.length; k++) sums[k % hidden] += weights[k];
  const next = new Float32Array(weights.length);
  for (let k = 0; k < weights.length; k++) next[k] = weights[k] / Math.max(sums[k % hidden], 1e-12);
  return next;
}
