export { createThreadedLearner } from './threaded-learner.js';
export type { ParallelLearnerOptions, ThreadedLearnerOptions } from './threaded-learner.js';
export type { ThreadedLearner } from './parallel-learner.js';
export { linkToCenter } from './linked-learner.js';
export type { LinkToCenterOptions, LinkedLearner } from './linked-learner.js';
export { canShareMemory, createWebWorkerLearner } from './web-worker-learner.js';
export type { WebWorkerLearnerOptions, WebWorkerSetupMessage } from './web-worker-learner.js';
export { runTrainingThread } from './training-thread.js';
export type { ThreadPort } from './training-thread.js';
export { runWebTrainingWorker } from './web-training-worker.js';
export type { WorkerScopeLike } from './web-training-worker.js';
export { MessageCenterStore, answerCenterCall } from './center-messages.js';
export { nodeThreadChannel, webWorkerChannel } from './channel.js';
export type { ThreadChannel, WebWorkerLike } from './channel.js';
export type {
  CenterAnswer,
  CenterCall,
  CenterLink,
  ThreadMessage,
  ThreadReply,
  ThreadRequest,
  ThreadSetup,
} from './protocol.js';
