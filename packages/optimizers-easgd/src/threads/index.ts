export { createThreadedLearner } from './threaded-learner.js';
export type { ThreadedLearner, ThreadedLearnerOptions } from './threaded-learner.js';
export { runTrainingThread } from './training-thread.js';
export type { ThreadPort } from './training-thread.js';
export type { ThreadReply, ThreadRequest, ThreadSetup } from './protocol.js';
