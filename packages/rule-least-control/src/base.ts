// Pure exports: importing this module registers nothing (index.ts adds the registration).
export {
  ACTIVATIONS,
  ENERGY_OPTIMIZERS,
  FEEDBACKS,
  INITS,
  NETWORKS,
  SOLVERS,
  STATE_INITS,
  leastControlConfigSchema,
} from './config.js';
export type {
  ActivationName,
  FeedbackKind,
  InitName,
  LeastControlConfig,
  LeastControlConfigInput,
  LinearFeedbackConfig,
  NetworkKind,
  SolverKind,
} from './config.js';
export { BoundNetwork, activate, createNetworkParams, derivative, feedbackName } from './network.js';
export type { NetworkSpec } from './network.js';
export { freeEquilibrium } from './free.js';
export { controlledStep, solveDynamics } from './dynamics.js';
export type { ControlledState, DynamicsContext } from './dynamics.js';
export { energyGradient, impliedControls, solveEnergy } from './energy.js';
export type { EnergyContext, EnergyState } from './energy.js';
export { localUpdate } from './update.js';
export { leastControlRecipes } from './recipes.js';
export { createLeastControlLearner, leastControlRule } from './rule.js';
export type { LeastControlLearner, SolveReport } from './rule.js';
