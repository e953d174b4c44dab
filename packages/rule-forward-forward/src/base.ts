// Pure exports: importing this module registers nothing (index.ts adds the registration).
export {
  GOODNESS,
  MODES,
  NEGATIVES,
  NORMALIZATIONS,
  PREDICTIONS,
  forwardForwardConfigSchema,
} from './config.js';
export type {
  FfMode,
  ForwardForwardConfig,
  ForwardForwardConfigInput,
  GoodnessKind,
  NegativeKind,
  NormalizationKind,
  PredictionKind,
} from './config.js';
export { goodness, layerObjective, normalizeRows } from './goodness.js';
export type { LayerObjective, ObjectiveOptions } from './goodness.js';
export { hardWrongLabels, hybridImages, randomWrongLabels } from './negatives.js';
export { READOUT_BIAS, READOUT_KERNEL } from './network.js';
export { forwardForwardRecipes } from './recipes.js';
export { createFfNetwork, peerName, resolveSpec } from './core.js';
export type { FfNetwork, FfSpec, LocalGradients, StepTensors } from './core.js';
export { createFfReplica } from './replica.js';
export type { FfReplica } from './replica.js';
export { FfThreads } from './parallel/threads.js';
export type { CombinedStep } from './parallel/threads.js';
export { createForwardForwardLearner, forwardForwardRule } from './rule.js';
export type { ForwardForwardLearner, ForwardForwardLearnerOptions } from './rule.js';
