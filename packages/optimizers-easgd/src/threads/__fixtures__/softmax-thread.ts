// Training thread for the threaded-learner test: softmax regression (4 features, 3 classes) built
// the way `softmaxLearner` builds it on the test's side; rule "failing" throws on every step,
// rule "unbuildable" cannot be built.
import { parentPort, workerData } from 'node:worker_threads';
import { PlasticityError } from '@plasticity/core-tensors';
import type { Learner } from '@plasticity/core-tensors';
import { runTrainingThread } from '../training-thread.js';
import type { ThreadSetup } from '../protocol.js';
import type { ThreadPort } from '../training-thread.js';
import { softmaxLearner } from './softmax-learner.js';

const setup = workerData as ThreadSetup;
await runTrainingThread(parentPort as unknown as ThreadPort, setup, ({ rule, seed }): Learner => {
  if (rule === 'unbuildable') throw new PlasticityError('E_CONFIG', 'this rule cannot be built here');
  const learner = softmaxLearner(seed);
  if (rule !== 'failing') return learner;
  return {
    ...learner,
    trainStep: () => Promise.reject(new PlasticityError('E_USAGE', 'this step always fails')),
  };
});
