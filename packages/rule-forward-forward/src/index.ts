import { registerRule } from '@plasticity/core-tensors';
import { forwardForwardRule } from './base.js';

export {
  GOODNESS,
  MODES,
  NEGATIVES,
  NORMALIZATIONS,
  PREDICTIONS,
  READOUT_BIAS,
  READOUT_KERNEL,
  biasName,
  FfThreads,
  createFfNetwork,
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
  peerName,
  randomWrongLabels,
  resolveSpec,
} from './base.js';
export type {
  CombinedStep,
  FfMode,
  FfNetwork,
  FfSpec,
  ForwardForwardConfig,
  ForwardForwardConfigInput,
  ForwardForwardLearner,
  ForwardForwardLearnerOptions,
  GoodnessKind,
  LayerObjective,
  LocalGradients,
  NegativeKind,
  NormalizationKind,
  ObjectiveOptions,
  PredictionKind,
  StepTensors,
} from './base.js';

// Side effect: importing the package makes 'forward-forward' available to getRule and the CLI.
registerRule(forwardForwardRule);
