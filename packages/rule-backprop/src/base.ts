// Pure exports: importing this module registers nothing (index.ts adds the registration).
export { ACTIVATIONS, activate } from './activations.js';
export type { ActivationName } from './activations.js';
export { INITS, backpropConfigSchema } from './config.js';
export type { BackpropConfig, BackpropConfigInput, InitName } from './config.js';
export { resolveInit } from './init.js';
export type { ConcreteInit } from './init.js';
export { dense } from './dense.js';
export { createMlpParams, layerCount, mlpForward } from './mlp.js';
export type { ForwardOptions } from './mlp.js';
export { backpropRecipes } from './recipes.js';
export { backpropRule, createBackpropLearner } from './rule.js';
