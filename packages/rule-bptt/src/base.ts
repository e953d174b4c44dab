// Pure exports: importing this module registers nothing (index.ts adds the registration).
export { bpttConfigSchema } from './config.js';
export type { BpttConfig, BpttConfigInput, NormalInit } from './config.js';
export { createSpikeInput } from './input.js';
export type { GridSpikes, SpikeGrid, SpikeInput } from './input.js';
export { defaultInit, defaultRecurrentInit, pspPeak } from './init.js';
export { createSnnParams, spikingNetwork } from './network.js';
export type { NetworkRun, SpikingNetwork, SpikingNetworkSpec } from './network.js';
export { voltageScores } from './readout.js';
export { bpttRecipes } from './recipes.js';
export { bpttRule, createBpttLearner } from './rule.js';
export type { BpttLearner } from './rule.js';
