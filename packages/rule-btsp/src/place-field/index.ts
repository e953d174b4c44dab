// The place-field part: the Milstein et al. (eLife 2021) weight-dependent BTSP rule and its
// place-field experiment. Pure exports (the package index registers the experiment).
export { MILSTEIN_2021_PARAMS, MILSTEIN_2021_TARGETS, MILSTEIN_2021_TRACK } from './constants.js';
export type { BtspRuleParams, TrackProtocol } from './constants.js';
export { sigmoidGain } from './gains.js';
export type { Gain } from './gains.js';
export { convolveCausal, exponentialKernel, filterExponential } from './filters.js';
export {
  circularOffset,
  inductionTimeline,
  inputCentres,
  inputRate,
  positionGrid,
  rateMaps,
} from './track.js';
export type { InductionTimeline } from './track.js';
export { eligibilityTraces, instructiveSignal } from './signals.js';
export {
  applyLapMaps,
  applyRule,
  continuousLapMaps,
  lapMaps,
  perLapMaps,
  plasticityDrive,
  trapezoid,
} from './rule.js';
export type { LapMap, PlasticityDrive, RuleForm } from './rule.js';
export { inductionMaps, inductionSetup, induceWeights, silentWeights } from './induction.js';
export type { InductionSetup } from './induction.js';
export { offsetBefore, rampFromWeights, rampPeak } from './ramp.js';
export type { RampPeak } from './ramp.js';
export { parseKernelCsv } from './data.js';
export type { KernelSample } from './data.js';
export {
  binKernel,
  compareKernels,
  DEFAULT_KERNEL_BINS,
  pearson,
  rmsError,
  DEFAULT_WEIGHT_DEPENDENCE_BINS,
  weightDependence,
} from './binning.js';
export type {
  KernelAgreement,
  KernelBins,
  KernelTable,
  WeightDependence,
  WeightDependenceBins,
} from './binning.js';
export { fieldShift } from './field-shift.js';
export type { FieldShift } from './field-shift.js';
export { DEFAULT_MODEL_CELLS, modelCellWeights, modelKernelSamples } from './model-cells.js';
export type { ModelCellGrid } from './model-cells.js';
export { placeFieldOptionsSchema } from './options.js';
export type { PlaceFieldOptions } from './options.js';
export { btspPlaceFieldExperiment, runPlaceFieldExperiment } from './experiment.js';
