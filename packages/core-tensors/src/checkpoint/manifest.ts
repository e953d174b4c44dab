import type { EarlyStopState } from '../training/early-stop.js';
import type { BestRecord, EpochRecord } from '../training/events.js';
import type { FitSettings } from '../training/settings.js';

export const MODEL_FILE = 'model.safetensors';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const MANIFEST_FILE = 'checkpoint.json';
export const CHECKPOINT_FORMAT = 'plasticity.checkpoint';
export const CHECKPOINT_VERSION = 1;
/** Where `fit` keeps the best epoch's checkpoint, inside the checkpoint directory. */
export const BEST_DIR = 'best';

/** What `fit` needs to continue a run exactly. */
export interface TrainerState {
  readonly fit: FitSettings;
  readonly history: readonly EpochRecord[];
  readonly stoppedEarly: boolean;
  readonly earlyStop?: EarlyStopState;
}

/** checkpoint.json: written last, it commits a save (the tensor files carry the same saveId). */
export interface CheckpointManifest {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: number;
  readonly saveId: string;
  readonly createdAt: string;
  /** Epochs completed. */
  readonly epoch: number;
  readonly config: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly files: { readonly model: string; readonly optimizer?: string };
  /** Name → dtype and shape of each saved param. */
  readonly params: Readonly<Record<string, { readonly dtype: string; readonly shape: readonly number[] }>>;
  readonly trainer?: TrainerState;
  /** In a best-epoch checkpoint (`fit`'s keepBest): which metric made it the best, and its value. */
  readonly best?: BestRecord;
}
