// The multilayer part of the package: the 'btsp' rule (after Galloni et al. 2025).
export { LEARNING_KINDS, btspConfigSchema } from './config.js';
export type { BtspConfig, BtspConfigInput, LearningKind } from './config.js';
export { btspRowUpdate, depressionGate, gateEligibility, hebbianRowUpdate, scaleRow } from './update.js';
export type { Eligibility, GateShape } from './update.js';
export { selectPlateaus } from './plateaus.js';
export type { PlateauOptions } from './plateaus.js';
export {
  createSamplePass,
  excitatoryName,
  forwardBatch,
  forwardSample,
  initialLayers,
  layerDrive,
  layerRates,
  layerShapes,
  layerSizes,
} from './network.js';
export type { HostLayer, LayerShape, SamplePass } from './network.js';
export { topDownPlateaus } from './top-down.js';
export type { TopDownOptions } from './top-down.js';
export { createBtspLearner } from './learner.js';
export type { BtspLearner } from './learner.js';
export { btspRecipes } from './recipes.js';
export { btspRule } from './rule.js';
