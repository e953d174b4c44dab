import { PlasticityError } from '@plasticity/core-tensors';
import type { EventPropNetwork, NetworkSpec } from './network.js';
import type { SpikeList } from './spike-buffer.js';
import { softmaxCrossEntropy, ttfsLoss } from './loss.js';
import type { TtfsLossOptions } from './loss.js';
import { VOLTAGE_READOUTS } from '../vocabulary.js';

// Bound once: inside test runners' vm contexts every global lookup (`Math`) is slow.
const { max } = Math;

/**
 * Losses of the event-driven network: `ttfs` (first-spike times of a spiking output), or softmax
 * cross-entropy of a leaky-integrator readout (`VOLTAGE_READOUTS`).
 */
export const EVENT_LOSSES = ['ttfs', ...VOLTAGE_READOUTS] as const;
export type EventLossName = (typeof EVENT_LOSSES)[number];

/** The output layer each loss reads. */
export const EVENT_LOSS_OUTPUT: Readonly<Record<EventLossName, NetworkSpec['output']>> = {
  ttfs: 'spiking',
  'max-voltage': 'max-voltage',
  'mean-voltage': 'mean-voltage',
  'exp-mean-voltage': 'exp-mean-voltage',
};

export interface ObjectiveOptions {
  readonly loss: EventLossName;
  readonly ttfs: TtfsLossOptions;
  /**
   * Hidden spike-count regularisation (heuristic, not a true gradient): each spike of a hidden
   * neuron that fired `n` times in the sample gets `−strength·(n − target)/B` added to ∂L/∂t,
   * pushing spikes of over-active neurons later (and out of the window). 0 = off.
   */
  readonly spikeRegularisation?: { readonly strength: number; readonly target: number };
}

/** What one batch's pass reports. */
export interface BatchResult {
  /** Mean loss over the batch. */
  readonly loss: number;
  readonly correct: number;
  /** `[B, outputs]` class scores (−first-spike time, or the readout values). */
  readonly scores: Float32Array;
  /** Mean spikes per hidden neuron per sample. */
  readonly hiddenRate: number;
  /** Fraction of hidden neurons silent in every sample of the batch. */
  readonly silentFraction: number;
  /** Per hidden layer, per neuron: 1 if it fired in no sample of the batch. */
  readonly silent: Uint8Array[];
  /** Largest number of bytes stored for one sample's backward pass. */
  readonly storedBytes: number;
}

/** Class scores from output values: `−t` for first-spike times (a silent output scores `−2·duration`). */
export function outputScores(
  spec: NetworkSpec,
  values: Float64Array,
  out: Float32Array,
  offset: number,
): void {
  const silent = -2 * spec.duration;
  for (let k = 0; k < values.length; k++) {
    out[offset + k] =
      spec.output === 'spiking' ? (Number.isFinite(values[k]) ? -values[k] : silent) : values[k];
  }
}

function argmax(values: Float32Array, offset: number, size: number): number {
  let best = 0;
  for (let k = 1; k < size; k++) if (values[offset + k] > values[offset + best]) best = k;
  return best;
}

/** Class scores of `count` samples into `scores` (`[count, outputs]`), forward passes only. */
export function scoreSamples(
  network: EventPropNetwork,
  count: number,
  sample: (b: number) => SpikeList,
  scores: Float32Array,
): void {
  const { spec } = network;
  for (let b = 0; b < count; b++) outputScores(spec, network.forward(sample(b)), scores, b * spec.outputs);
}

/** What a pass over some of a batch's samples adds up (see `runSamples`). */
export interface PartialResult {
  readonly lossSum: number;
  readonly correct: number;
  readonly hiddenSpikes: number;
  readonly storedBytes: number;
  /** Per hidden layer, per neuron: 1 if it fired in any of the samples. */
  readonly fired: Uint8Array[];
}

function checkLoss(spec: NetworkSpec, loss: EventLossName): void {
  if (EVENT_LOSS_OUTPUT[loss] !== spec.output) {
    throw new PlasticityError('E_CONFIG', `loss ${loss} needs a ${EVENT_LOSS_OUTPUT[loss]} output layer`, {
      field: 'loss',
    });
  }
}

/**
 * Runs `count` samples (`sample(b)`, `labels[b]`) of a batch of `batchSize` through the network,
 * writing their class scores to `scores` (`[count, outputs]`) and, when `grads` is given, adding
 * their share of ∂(mean batch loss)/∂W to it. Worker threads each run a slice of a batch this way
 * (`firstIndex`: where the slice starts, for error messages).
 */
export function runSamples(
  network: EventPropNetwork,
  count: number,
  sample: (b: number) => SpikeList,
  labels: ArrayLike<number>,
  options: ObjectiveOptions,
  batchSize: number,
  scores: Float32Array,
  grads?: Record<string, Float64Array>,
  firstIndex = 0,
): PartialResult {
  const { spec } = network;
  checkLoss(spec, options.loss);
  const outputs = spec.outputs;
  const dOut = new Float64Array(outputs);
  const dPeak = new Float64Array(outputs);
  const scratch = new Float64Array(outputs);
  const hidden = spec.hidden;
  const fired = hidden.map((h) => new Uint8Array(h.size));
  const counts = hidden.map((h) => new Int32Array(h.size));
  const reg = options.spikeRegularisation;
  const regDrive =
    reg !== undefined && reg.strength > 0
      ? (layer: number, spikes: SpikeList, drive: Float64Array) => {
          const n = counts[layer];
          const scale = reg.strength / batchSize;
          for (let k = 0; k < spikes.count; k++) drive[k] -= scale * (n[spikes.units[k]] - reg.target);
        }
      : undefined;
  let lossSum = 0;
  let correct = 0;
  let hiddenSpikes = 0;
  let storedBytes = 0;
  for (let b = 0; b < count; b++) {
    const label = labels[b];
    if (!(Number.isInteger(label) && label >= 0 && label < outputs)) {
      throw new PlasticityError(
        'E_DATA_FORMAT',
        `label ${label} of sample ${firstIndex + b} is not a class in 0 … ${outputs - 1}`,
      );
    }
    const values = network.forward(sample(b));
    outputScores(spec, values, scores, b * outputs);
    if (argmax(scores, b * outputs, outputs) === label) correct++;
    let pushed = false;
    if (options.loss === 'ttfs') {
      lossSum += ttfsLoss(values, label, options.ttfs, spec.duration, dOut, scratch);
      if (!Number.isFinite(values[label]) && options.ttfs.silentPush > 0) {
        // The label neuron never fired: raise its peak voltage towards the threshold.
        pushed = true;
        lossSum += options.ttfs.silentPush * (spec.model.threshold - network.outputPeaks()[label]);
        dPeak.fill(0);
        dPeak[label] = -options.ttfs.silentPush / batchSize;
      }
    } else {
      lossSum += softmaxCrossEntropy(values, label, dOut);
    }
    storedBytes = max(storedBytes, network.storedBytes());
    for (let k = 0; k < hidden.length; k++) {
      const spikes = network.layerSpikes(k);
      hiddenSpikes += spikes.count;
      counts[k].fill(0);
      for (let e = 0; e < spikes.count; e++) {
        fired[k][spikes.units[e]] = 1;
        counts[k][spikes.units[e]]++;
      }
    }
    if (grads !== undefined) {
      for (let k = 0; k < outputs; k++) dOut[k] /= batchSize;
      network.backward(dOut, grads, regDrive, pushed ? dPeak : undefined);
    }
  }
  return { lossSum, correct, hiddenSpikes, storedBytes, fired };
}

/** Combines the partial results of a whole batch (`size` samples, `scores` `[size, outputs]`). */
export function finishBatch(
  spec: NetworkSpec,
  size: number,
  parts: readonly PartialResult[],
  scores: Float32Array,
): BatchResult {
  const hidden = spec.hidden;
  const hiddenUnits = hidden.reduce((sum, h) => sum + h.size, 0);
  let silent = 0;
  const silentNeurons = hidden.map((layer, k) => {
    const flags = new Uint8Array(layer.size);
    for (let n = 0; n < layer.size; n++) {
      if (parts.some((part) => part.fired[k][n] !== 0)) continue;
      flags[n] = 1;
      silent++;
    }
    return flags;
  });
  const sum = (key: 'lossSum' | 'correct' | 'hiddenSpikes') =>
    parts.reduce((total, part) => total + part[key], 0);
  return {
    loss: sum('lossSum') / size,
    correct: sum('correct'),
    scores,
    hiddenRate: hiddenUnits > 0 ? sum('hiddenSpikes') / (hiddenUnits * size) : 0,
    silentFraction: hiddenUnits > 0 ? silent / hiddenUnits : 0,
    silent: silentNeurons,
    storedBytes: parts.reduce((most, part) => max(most, part.storedBytes), 0),
  };
}

/**
 * Runs a batch through the network and, when `grads` is given, the backward pass too:
 * adds ∂(mean loss)/∂W to `grads` (zero them first). `sample(b)` gives sample b's input spikes.
 */
export function runBatch(
  network: EventPropNetwork,
  size: number,
  sample: (b: number) => SpikeList,
  labels: ArrayLike<number>,
  options: ObjectiveOptions,
  grads?: Record<string, Float64Array>,
): BatchResult {
  const scores = new Float32Array(size * network.spec.outputs);
  const part = runSamples(network, size, sample, labels, options, size, scores, grads);
  return finishBatch(network.spec, size, [part], scores);
}
