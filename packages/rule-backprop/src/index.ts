import { registerRule } from '@plasticity/core-tensors';
import { backpropRule } from './base.js';

export {
  ACTIVATIONS,
  INITS,
  activate,
  backpropConfigSchema,
  backpropRecipes,
  backpropRule,
  biasName,
  createBackpropLearner,
  createMlpParams,
  dense,
  layerCount,
  mlpForward,
  resolveInit,
  kernelName,
} from './base.js';
export type {
  ActivationName,
  BackpropConfig,
  BackpropConfigInput,
  ConcreteInit,
  ForwardOptions,
  InitName,
} from './base.js';

// Side effect: importing the package makes 'backprop' available to getRule and the CLI.
registerRule(backpropRule);
