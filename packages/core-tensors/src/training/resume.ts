import { disposeCheckpoint, loadCheckpoint, restoreParams } from '../checkpoint/checkpoint.js';
import type { TrainerState } from '../checkpoint/manifest.js';
import { MANIFEST_FILE, MODEL_FILE, OPTIMIZER_FILE } from '../checkpoint/manifest.js';
import type { Learner } from '../contract/learner.js';
import { PlasticityError, isPlasticityError } from '../errors/plasticity-error.js';
import type { FitSettings } from './settings.js';

export interface ResumePoint {
  readonly epoch: number;
  readonly trainer: TrainerState;
}

/** Settings that must match for a resumed run to be the same run. */
const SAME_RUN: readonly (keyof FitSettings)[] = ['epochs', 'batchSize', 'learningRate', 'schedule', 'seed'];

/**
 * Restores params and optimiser state from `dir` into `learner` and returns where the run
 * stopped; undefined when `dir` holds no checkpoint yet (a fresh start).
 */
export async function resumeFrom(
  dir: string,
  learner: Learner,
  settings: FitSettings,
): Promise<ResumePoint | undefined> {
  let saved;
  try {
    saved = await loadCheckpoint(dir);
  } catch (error) {
    if (isPlasticityError(error, 'E_CHECKPOINT') && error.details?.missing === true) return undefined;
    throw error;
  }
  try {
    const manifest = `${dir}/${MANIFEST_FILE}`;
    if (!saved.trainer) {
      throw new PlasticityError(
        'E_CHECKPOINT',
        `${manifest} was not written by fit: it has no trainer state to resume`,
      );
    }
    const differ = SAME_RUN.filter(
      (k) => JSON.stringify(saved.trainer?.fit[k]) !== JSON.stringify(settings[k]),
    );
    if (differ.length > 0) {
      const show = (s: FitSettings) => differ.map((k) => `${k}=${JSON.stringify(s[k])}`).join(', ');
      throw new PlasticityError(
        'E_CHECKPOINT',
        `cannot resume ${dir}: it was trained with ${show(saved.trainer.fit)}, this run asks for ${show(settings)}; ` +
          'resume continues the same run (start a new run in another directory to change them)',
        { dir, differ },
      );
    }
    if (learner.loadState && !saved.state) {
      throw new PlasticityError(
        'E_CHECKPOINT',
        `cannot resume ${dir}: no ${OPTIMIZER_FILE} for the learner's optimiser state`,
      );
    }
    if (saved.state && !learner.loadState) {
      throw new PlasticityError(
        'E_CHECKPOINT',
        `cannot resume ${dir}: it has optimiser state but the learner has no loadState()`,
      );
    }
    restoreParams(learner, saved.params, `${dir}/${MODEL_FILE}`);
    if (saved.state && learner.loadState) await learner.loadState(saved.state);
    return { epoch: saved.epoch, trainer: saved.trainer };
  } finally {
    disposeCheckpoint(saved);
  }
}
