import { registerRule } from '@plasticity/core-tensors';
import { eventpropRule } from './base.js';

export {
  EngineThreads,
  EventPropNetwork,
  LOSSES,
  LOSS_OUTPUT,
  READOUTS,
  benchmarkEventProp,
  createEventPropLearner,
  defaultInit,
  downloadWeights,
  eventpropConfigSchema,
  eventpropRecipes,
  eventpropRule,
  finishBatch,
  kernelName,
  lifConstants,
  networkSpec,
  paramShapes,
  recurrentName,
  runBatch,
  runSamples,
  scoreSamples,
  softmaxCrossEntropy,
  ttfsLoss,
} from './base.js';
export type {
  BatchResult,
  EventPropBenchInput,
  EventPropBenchOptions,
  EventPropBenchResult,
  EventPropLearner,
  EventPropLearnerOptions,
  EventpropConfig,
  EventpropConfigInput,
  LifConstants,
  LifModel,
  LossName,
  NetworkSpec,
  NormalInit,
  ObjectiveOptions,
  PartialResult,
  ReadoutKind,
  SpikeList,
  TtfsLossOptions,
} from './base.js';

// Side effect: importing the package makes 'eventprop' available to getRule and the CLI.
registerRule(eventpropRule);
