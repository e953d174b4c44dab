import { registerRule } from '@plasticity/core-tensors';
import { eventpropRule } from './base.js';

export {
  EventPropNetwork,
  LOSSES,
  LOSS_OUTPUT,
  OPTIMIZERS,
  READOUTS,
  benchmarkEventProp,
  createEventPropLearner,
  defaultInit,
  downloadWeights,
  eventpropConfigSchema,
  eventpropRecipes,
  eventpropRule,
  gradientTensors,
  kernelName,
  lifConstants,
  networkSpec,
  paramShapes,
  recurrentName,
  runBatch,
  softmaxCrossEntropy,
  ttfsLoss,
} from './base.js';
export type {
  BatchResult,
  EventPropBenchInput,
  EventPropBenchOptions,
  EventPropBenchResult,
  EventPropLearner,
  EventpropConfig,
  EventpropConfigInput,
  LifConstants,
  LifModel,
  LossName,
  NetworkSpec,
  NormalInit,
  ObjectiveOptions,
  ReadoutKind,
  SpikeList,
  TtfsLossOptions,
} from './base.js';

// Side effect: importing the package makes 'eventprop' available to getRule and the CLI.
registerRule(eventpropRule);
