// The multilayer part of the package: the 'btsp' rule (Galloni et al. 2025).
export { LEARNING_KINDS, btspConfigSchema } from './config.js';
export type { BtspConfig, BtspConfigInput, LearningKind } from './config.js';
export { applyDelta, btspDelta, depressionGate, depressionGateValue, hebbianStep } from './update.js';
export type { BtspEvents, BtspUpdateOptions, GateShape } from './update.js';
export { selectPlateaus } from './plateaus.js';
export type { PlateauOptions } from './plateaus.js';
export {
  drive,
  excitatoryName,
  forward,
  inhibitoryInName,
  inhibitoryOutName,
  initialLayers,
  layerSizes,
  rate,
} from './network.js';
export type { ForwardPass, LayerParams } from './network.js';
export { topDownPlateaus } from './top-down.js';
export type { TopDownOptions } from './top-down.js';
export { createBtspLearner } from './learner.js';
export type { BtspLearner } from './learner.js';
export { btspRecipes } from './recipes.js';
export { btspRule } from './rule.js';
