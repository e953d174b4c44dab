// Pure exports: importing this module registers nothing (index.ts adds the registration).
// The event-driven simulator and adjoint it trains with live in @plasticity/neurons.
export { EngineThreads } from './parallel/engine-threads.js';
export { eventpropConfigSchema } from './config.js';
export type { EventpropConfig, EventpropConfigInput, NormalInit } from './config.js';
// A batch's input spikes as the event simulator takes them (for running `network.forward` directly).
export { hostSamples } from './inputs.js';
export type { InputCoding } from './inputs.js';
export { eventpropRecipes } from './recipes.js';
export { createEventPropLearner, defaultInit, eventpropRule, networkSpec } from './rule.js';
export type { EventPropLearner, EventPropLearnerOptions } from './rule.js';
