import type { BtspRuleParams, TrackProtocol } from './constants.js';
import type { KernelSample } from './data.js';
import { induceWeights, silentWeights } from './induction.js';
import { rampFromWeights } from './ramp.js';
import type { LapMap } from './rule.js';
import { circularOffset } from './track.js';

/**
 * Which model cells stand in for the recorded ones: a silent cell, and cells that already have
 * a field: the rule's own field (the weight change a silent cell gets from this induction),
 * shifted around the track every `shiftStep` inputs and scaled by each of `scales`, W clipped to
 * [0, Wmax]. Each then gets the same induction, as in the paper's experiments.
 */
export interface ModelCellGrid {
  readonly shiftStep: number;
  readonly scales: readonly number[];
}

export const DEFAULT_MODEL_CELLS: ModelCellGrid = Object.freeze({
  shiftStep: 8,
  scales: Object.freeze([0.25, 0.5, 0.75, 1, 1.25, 1.5]),
});

/** Initial weights of the model cells (the silent cell first). */
export function modelCellWeights(
  params: BtspRuleParams,
  template: Float64Array,
  grid: ModelCellGrid,
): Float64Array[] {
  const inputs = template.length;
  const cells = [silentWeights(inputs)];
  for (let shift = 0; shift < inputs; shift += grid.shiftStep) {
    for (const scale of grid.scales) {
      cells.push(
        Float64Array.from({ length: inputs }, (_, i) => {
          const dw = template[(i - shift + inputs) % inputs] - 1;
          return Math.min(params.maxWeight, Math.max(0, 1 + scale * dw));
        }),
      );
    }
  }
  return cells;
}

/**
 * Model counterpart of the measured table: for each model cell and readout bin x, the time the
 * animal passes x relative to plateau onset (circular, at constant speed), the ramp there before
 * the induction and its change after the last induction lap (`maps`: the induction's lap maps;
 * `rates`: input rate maps on `positions`).
 */
export function modelKernelSamples(
  params: BtspRuleParams,
  track: TrackProtocol,
  maps: readonly LapMap[],
  plateauPosition: number,
  positions: Float64Array,
  rates: readonly Float64Array[],
  grid: ModelCellGrid = DEFAULT_MODEL_CELLS,
): KernelSample[] {
  const fieldRuns = induceWeights(params, maps, silentWeights(track.inputs));
  const template = fieldRuns[fieldRuns.length - 1];
  const times = positions.map((x) => circularOffset(plateauPosition, x, track.trackLength) / track.runSpeed);
  const samples: KernelSample[] = [];
  for (const initial of modelCellWeights(params, template, grid)) {
    const runs = induceWeights(params, maps, initial);
    const before = rampFromWeights(track, initial, rates);
    const after = rampFromWeights(track, runs[runs.length - 1], rates);
    for (let k = 0; k < positions.length; k++) {
      samples.push({ t: times[k], initialRamp: before[k], deltaRamp: after[k] - before[k] });
    }
  }
  return samples;
}
