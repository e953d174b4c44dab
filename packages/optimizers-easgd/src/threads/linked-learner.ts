import { PlasticityError } from '@plasticity/core-tensors';
import type { CenterStore } from '../store/center-store.js';
import { ElasticLink } from '../worker/elastic-link.js';
import type { ThreadedLearner } from './parallel-learner.js';

export interface LinkToCenterOptions {
  /** The center one level up (the global one, e.g. in Redis). */
  readonly upper: CenterStore;
  /** Elastic rate between this machine's center and the upper one. */
  readonly alpha: number;
  /** Steps of this machine (batches handed to its workers) between two exchanges. */
  readonly tau: number;
  /** Names this machine's writes to the upper center. */
  readonly id?: string;
}

/** A threaded learner whose center is one level of tree EASGD. */
export interface LinkedLearner extends ThreadedLearner {
  readonly link: ElasticLink;
}

/**
 * Tree EASGD on one machine: the workers of a threaded learner exchange with this machine's center
 * (every τ of their steps), and that center exchanges with `upper` by the same elastic rule every
 * `tau` batches the machine takes (`ElasticLink`: both moves are adds, so the threads' concurrent
 * adds are never overwritten and the sum over every level is conserved). The first exchange comes
 * with the first batch, so the machine starts from the upper center's pull.
 */
export function linkToCenter(learner: ThreadedLearner, options: LinkToCenterOptions): LinkedLearner {
  if (options.upper.length !== learner.store.length) {
    throw new PlasticityError(
      'E_SHAPE',
      `linkToCenter: the upper center holds ${options.upper.length} values, this machine's ${learner.store.length}`,
    );
  }
  const link = new ElasticLink({
    lower: learner.store,
    upper: options.upper,
    alpha: options.alpha,
    tau: options.tau,
    ...(options.id ? { id: options.id } : {}),
  });
  // Everything but trainStep is the threaded learner's (its learningRate accessor included).
  return Object.assign(Object.create(learner) as ThreadedLearner, {
    link,
    async trainStep(batch: Parameters<ThreadedLearner['trainStep']>[0]) {
      const metrics = await learner.trainStep(batch);
      await link.tick();
      return metrics;
    },
  });
}
