export type { Vector } from './vector.js';
export { addScaled, elasticDifference } from './vector.js';
export type { EasgdRates, NesterovRates } from './easgd.js';
export { easgdSyncRound, nesterovStep, oneWorkerAlphaBound } from './easgd.js';
export { accumulatedUpdate } from './downpour.js';
