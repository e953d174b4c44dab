// Pure exports: importing this module registers nothing (index.ts adds the registration).
export { smoothExactConfigSchema } from './config.js';
export type { SmoothExactConfig, SmoothExactConfigInput } from './config.js';
export { binTime, codeFeatures, sliceTrains, trainOf } from './input.js';
export type { PackedTrains } from './input.js';
export { runSlice } from './batch.js';
export type { SliceObjective, SlicePart } from './batch.js';
export { createSmoothExactLearner, thetaNetworkSpec } from './learner.js';
export type { SmoothExactLearner, SmoothExactLearnerOptions } from './learner.js';
export { DEFAULT_WORKER_URL, SliceThreads } from './parallel/threads.js';
export { smoothExactRecipes } from './recipes.js';
export { smoothExactRule } from './rule.js';
export { conceptOptionsSchema, runConcept, smoothExactConceptExperiment } from './experiments/concept.js';
export type { ConceptOptions } from './experiments/concept.js';
export {
  runSingleNeuron,
  singleNeuronOptionsSchema,
  smoothExactSingleNeuronExperiment,
} from './experiments/single-neuron.js';
export type { SingleNeuronOptions } from './experiments/single-neuron.js';
