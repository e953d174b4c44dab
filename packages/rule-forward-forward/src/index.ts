import { registerRule } from '@plasticity/core-tensors';
import { forwardForwardRule } from './base.js';

export {
  GOODNESS,
  MODES,
  NEGATIVES,
  NORMALIZATIONS,
  OPTIMIZERS,
  PREDICTIONS,
  READOUT_BIAS,
  READOUT_KERNEL,
  biasName,
  createForwardForwardLearner,
  forwardForwardConfigSchema,
  forwardForwardRecipes,
  forwardForwardRule,
  goodness,
  hardWrongLabels,
  hybridImages,
  kernelName,
  layerObjective,
  normalizeRows,
  randomWrongLabels,
} from './base.js';
export type {
  FfMode,
  ForwardForwardConfig,
  ForwardForwardConfigInput,
  ForwardForwardLearner,
  GoodnessKind,
  LayerObjective,
  LocalGradients,
  NegativeKind,
  NormalizationKind,
  ObjectiveOptions,
  PredictionKind,
} from './base.js';

// Side effect: importing the package makes 'forward-forward' available to getRule and the CLI.
registerRule(forwardForwardRule);
