import { ttfsLoss } from '@plasticity/neurons';
import type { ThetaNetwork, ThetaParams, TtfsLossOptions } from '@plasticity/neurons';
import { trainOf } from './input.js';
import type { PackedTrains } from './input.js';

/** How a slice's loss is formed (the same on every thread). */
export interface SliceObjective {
  readonly loss: TtfsLossOptions;
  /** Where a silent output counts in the loss without pseudospikes (T), else ∞. */
  readonly silentTime: number;
}

/** What one slice of a batch gives. */
export interface SlicePart {
  /** Summed over the slice's samples. */
  readonly loss: number;
  /** `[size, outputs]`: −(output time); a silent output without pseudospikes scores −2T. */
  readonly scores: Float32Array;
  readonly hiddenSpikes: number;
  /** Per hidden neuron (layers in order): 1 if it fired in some sample of the slice. */
  readonly fired: Uint8Array;
}

/**
 * Runs the samples of `input` through `network`; with `labels`, the loss, and with `grads` the
 * gradient of the batch's mean loss (`batchSize` samples in all) added to `grads`.
 */
export function runSlice(
  network: ThetaNetwork,
  params: ThetaParams,
  input: PackedTrains,
  objective: SliceObjective,
  labels?: ArrayLike<number>,
  batchSize = input.size,
  grads?: ThetaParams,
): SlicePart {
  const { sizes, duration } = network.spec;
  const outputs = sizes[sizes.length - 1];
  const hidden = sizes.slice(1, -1);
  const scores = new Float32Array(input.size * outputs);
  const dTimes = new Float64Array(outputs);
  const scratch = new Float64Array(outputs);
  const fired = new Uint8Array(hidden.reduce((a, b) => a + b, 0));
  let loss = 0;
  let hiddenSpikes = 0;
  for (let b = 0; b < input.size; b++) {
    const result = network.run(params, trainOf(input, b));
    for (let i = 0; i < outputs; i++) {
      const t = result.outputTimes[i];
      scores[b * outputs + i] = Number.isFinite(t) ? -t : -2 * duration;
    }
    let offset = 0;
    hidden.forEach((size, l) => {
      const train = network.layerSpikes(l);
      hiddenSpikes += train.count;
      for (let k = 0; k < train.count; k++) fired[offset + train.sources[k]] = 1;
      offset += size;
    });
    if (labels === undefined) continue;
    loss += ttfsLoss(result.outputTimes, labels[b], objective.loss, objective.silentTime, dTimes, scratch);
    if (grads === undefined) continue;
    for (let i = 0; i < outputs; i++) dTimes[i] /= batchSize;
    network.backward(params, dTimes, grads);
  }
  return { loss, scores, hiddenSpikes, fired };
}
