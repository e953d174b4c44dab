import { readCheckpointManifest, saveCheckpoint } from '../checkpoint/checkpoint.js';
import { BEST_DIR } from '../checkpoint/manifest.js';
import { nodeIo } from '../checkpoint/node-io.js';
import type { Learner } from '../contract/learner.js';
import { isPlasticityError } from '../errors/plasticity-error.js';
import { improves } from './early-stop.js';
import type { BestRecord, CheckpointOptions, EpochRecord } from './events.js';
import type { KeepBestOptions } from './settings.js';

/** Where `fit` keeps the best epoch's checkpoint for a run checkpointed in `checkpointDir`. */
export function bestCheckpointDir(checkpointDir: string): string {
  return `${checkpointDir}/${BEST_DIR}`;
}

async function exists(path: string): Promise<boolean> {
  const { fs } = await nodeIo();
  return fs.stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Replaces directory `dir` by what `write` puts in a sibling: readers see the old directory or
 * the new one, complete. Only between the two renames is `dir` absent (its old copy is then in
 * `dir.previous`, which `recoverReplacedDir` puts back).
 */
async function replaceDir(dir: string, write: (temp: string) => Promise<void>): Promise<void> {
  const { fs } = await nodeIo();
  const partial = `${dir}.partial`;
  const previous = `${dir}.previous`;
  await fs.rm(partial, { recursive: true, force: true });
  await write(partial);
  await fs.rm(previous, { recursive: true, force: true });
  if (await exists(dir)) await fs.rename(dir, previous);
  await fs.rename(partial, dir);
  await fs.rm(previous, { recursive: true, force: true });
}

async function recoverReplacedDir(dir: string): Promise<void> {
  const { fs } = await nodeIo();
  if (!(await exists(dir)) && (await exists(`${dir}.previous`))) await fs.rename(`${dir}.previous`, dir);
}

/**
 * Keeps a copy of the checkpoint of the best epoch so far in `<checkpoint.dir>/best`, with the
 * epoch, metric and value in its checkpoint.json (`best`). The record of the best so far is what
 * that directory holds, so a resumed run continues from the params actually kept.
 */
export class BestKeeper {
  private current: BestRecord | undefined;

  constructor(
    private readonly options: KeepBestOptions,
    private readonly checkpoint: CheckpointOptions,
  ) {}

  /** Read at every use, like `checkpoint.dir` itself (a caller may move the run directory). */
  get dir(): string {
    return bestCheckpointDir(this.checkpoint.dir);
  }

  get best(): BestRecord | undefined {
    return this.current;
  }

  /** On resume: the best so far is the one kept on disk, if it was picked by the same metric. */
  async restore(): Promise<void> {
    await recoverReplacedDir(this.dir);
    try {
      const { best } = await readCheckpointManifest(this.dir);
      if (best && best.split === this.options.split && best.metric === this.options.metric)
        this.current = best;
    } catch (error) {
      if (!(isPlasticityError(error, 'E_CHECKPOINT') && error.details?.missing === true)) throw error;
    }
  }

  /** Saves the learner to best/ when `record` beats the best so far (a non-finite value never does). */
  async update(record: EpochRecord, learner: Learner): Promise<void> {
    const { split, metric } = this.options;
    const value = record[split]?.[metric];
    if (value === undefined || !Number.isFinite(value)) return;
    if (!improves(metric, value, this.current?.value ?? null)) return;
    const best: BestRecord = { split, metric, value, epoch: record.epoch };
    await replaceDir(this.dir, async (temp) => {
      await saveCheckpoint(temp, {
        learner,
        config: this.checkpoint.config,
        metadata: this.checkpoint.metadata,
        epoch: record.epoch,
        best,
      });
    });
    this.current = best;
  }
}
