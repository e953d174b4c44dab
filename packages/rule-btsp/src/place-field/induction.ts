import type { BtspRuleParams, TrackProtocol } from './constants.js';
import { applyLapMaps, lapMaps, plasticityDrive } from './rule.js';
import type { LapMap, PlasticityDrive, RuleForm } from './rule.js';
import { eligibilityTraces, instructiveSignal } from './signals.js';
import { inductionTimeline, inputCentres } from './track.js';
import type { InductionTimeline } from './track.js';

export interface InductionProtocol {
  /** Plateau position (cm). */
  readonly plateauPosition: number;
  /** Induction laps, one plateau each. */
  readonly laps: number;
  readonly form: RuleForm;
}

export interface InductionSetup {
  readonly centres: Float64Array;
  readonly timeline: InductionTimeline;
  readonly drive: PlasticityDrive;
}

/** Everything about an induction that does not depend on the weights (reusable across cells). */
export function inductionSetup(
  params: BtspRuleParams,
  track: TrackProtocol,
  plateauPosition: number,
  laps: number,
): InductionSetup {
  const centres = inputCentres(track);
  const timeline = inductionTimeline(track, plateauPosition, laps);
  const eligibility = eligibilityTraces(params, track, centres, timeline);
  const instructive = instructiveSignal(params, timeline);
  const drive = plasticityDrive(params, eligibility, instructive, timeline.onsets, track.dt);
  return { centres, timeline, drive };
}

/** The induction's lap maps for one rule form: computed once, applied to any number of cells. */
export function inductionMaps(params: BtspRuleParams, setup: InductionSetup, form: RuleForm): LapMap[] {
  return lapMaps(form, params, setup.drive);
}

/** Weights W (not normalised) after each lap of an induction, starting from `initialWeights`. */
export function induceWeights(
  params: BtspRuleParams,
  maps: readonly LapMap[],
  initialWeights: Float64Array,
): Float64Array[] {
  const w0 = initialWeights.map((W) => W / params.maxWeight);
  return applyLapMaps(maps, w0).map((w) => w.map((v) => v * params.maxWeight));
}

/** A silent cell: W = 1 at every input. */
export function silentWeights(inputs: number): Float64Array {
  return new Float64Array(inputs).fill(1);
}
