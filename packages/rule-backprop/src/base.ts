// Pure exports: importing this module registers nothing (index.ts adds the registration).
export { ACTIVATIONS, activate } from './activations.js';
export type { ActivationName } from './activations.js';
export { INITS, backpropConfigSchema } from './config.js';
export type { BackpropConfig, BackpropConfigInput, InitName } from './config.js';
export { resolveInit } from './init.js';
export type { ConcreteInit } from './init.js';
export { dense } from './dense.js';
export { biasName, createMlpParams, layerCount, mlpForward, kernelName } from './mlp.js';
export type { ForwardOptions } from './mlp.js';
export { backpropRecipes } from './recipes.js';
export { backpropRule, createBackpropLearner } from './rule.js';
export { BPTT_LOSSES, SURROGATES, bpttConfigSchema, latencyEncoderSchema } from './snn/config.js';
export type {
  BpttConfig,
  BpttConfigInput,
  BpttLossName,
  LatencyEncoderConfig,
  NormalInit,
  SurrogateName,
} from './snn/config.js';
export { binEventBatch, createSpikeInput } from './snn/input.js';
export type { GridSpikes, SpikeGrid, SpikeInput } from './snn/input.js';
export { defaultInit, defaultRecurrentInit, pspPeak } from './snn/init.js';
export { createSnnParams, snnKernelName, snnRecurrentName, spikingNetwork } from './snn/network.js';
export type { NetworkRun, SpikingNetwork, SpikingNetworkSpec } from './snn/network.js';
export { voltageScores } from './snn/readout.js';
export { bpttRecipes } from './snn/recipes.js';
export { bpttRule, createBpttLearner, surrogateSpikeFunction } from './snn/rule.js';
export type { BpttLearner } from './snn/rule.js';
export { benchmarkBptt } from './snn/bench.js';
export type { BpttBenchOptions, BpttBenchResult } from './snn/bench.js';
