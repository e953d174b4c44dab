// Pure exports: importing this module registers nothing (index.ts adds the registration).
export { EventPropNetwork, kernelName, recurrentName, paramShapes } from './engine/network.js';
export type { NetworkSpec } from './engine/network.js';
export { lifConstants } from './engine/lif.js';
export type { LifConstants, LifModel } from './engine/lif.js';
export { READOUTS } from './engine/readout.js';
export type { ReadoutKind } from './engine/readout.js';
export type { SpikeList } from './engine/spike-buffer.js';
export { softmaxCrossEntropy, ttfsLoss } from './loss.js';
export type { TtfsLossOptions } from './loss.js';
export { LOSSES, LOSS_OUTPUT, runBatch } from './objective.js';
export type { BatchResult, LossName, ObjectiveOptions } from './objective.js';
export { OPTIMIZERS, eventpropConfigSchema } from './config.js';
export type { EventpropConfig, EventpropConfigInput, NormalInit } from './config.js';
export { downloadWeights, gradientTensors } from './host-params.js';
export { eventpropRecipes } from './recipes.js';
export { createEventPropLearner, defaultInit, eventpropRule, networkSpec } from './rule.js';
export type { EventPropLearner } from './rule.js';
