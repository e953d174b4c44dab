import type { StepMetrics } from '../contract/learner.js';
import type { DataSplit } from '../contract/task.js';
import type { FitSettings } from './settings.js';

/**
 * Softmax cross-entropy and accuracy of a learner's scores on one split; for a regression (float
 * targets) the mean squared error, and accuracy NaN.
 */
export interface EvalResult {
  readonly loss: number;
  readonly accuracy: number;
  readonly count: number;
}

/** Sample-weighted means of the step metrics over one epoch (`loss`, plus what the rule reports). */
export interface TrainSummary {
  readonly loss: number;
  readonly [metric: string]: number;
}

/** One finished epoch (1-based `epoch`): what `fit` emits and keeps in `history`. */
export interface EpochRecord {
  readonly type: 'epoch';
  readonly epoch: number;
  readonly learningRate: number;
  readonly seconds: number;
  readonly train: TrainSummary;
  readonly validation?: EvalResult;
  readonly test?: EvalResult;
}

/**
 * Progress of `fit`. Epochs and steps are 1-based; `startEpoch` is the number of epochs already
 * done (0 for a fresh run, more on resume).
 */
export type FitEvent =
  | {
      readonly type: 'start';
      readonly startEpoch: number;
      readonly epochs: number;
      readonly stepsPerEpoch: number;
    }
  | {
      readonly type: 'step';
      readonly epoch: number;
      readonly step: number;
      readonly stepsPerEpoch: number;
      readonly metrics: StepMetrics;
    }
  | EpochRecord
  | { readonly type: 'checkpoint'; readonly epoch: number; readonly dir: string }
  | {
      readonly type: 'end';
      readonly epochs: number;
      readonly stoppedEarly: boolean;
      readonly seconds: number;
    };

export interface EarlyStopOptions {
  readonly metric: 'loss' | 'accuracy';
  readonly split: 'validation' | 'test';
  /** Epochs without improvement before stopping (≥ 1). */
  readonly patience: number;
  /** Smallest change that counts as an improvement (default 0). */
  readonly minDelta?: number;
}

export interface CheckpointOptions {
  /**
   * Where checkpoints go. Read at every save (and by `keepBest`), so a caller may move the run
   * directory between epochs, as the CLI's `--overwrite` does after the first checkpoint.
   */
  readonly dir: string;
  /** The run's full config (saved as JSON in checkpoint.json). */
  readonly config: unknown;
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Save every this many epochs (default 1); the last epoch is always saved. */
  readonly every?: number;
}

export interface FitData {
  readonly train: DataSplit;
  readonly validation?: DataSplit;
  readonly test?: DataSplit;
}

export interface FitOptions extends FitSettings {
  onEvent?(event: FitEvent): void | Promise<void>;
  readonly earlyStop?: EarlyStopOptions;
  readonly checkpoint?: CheckpointOptions;
  /** Continue the run saved in `checkpoint.dir` (a fresh start when there is none yet). */
  readonly resume?: boolean;
  readonly signal?: AbortSignal;
  /** Batch size for evaluation (default `batchSize`). */
  readonly evalBatchSize?: number;
}

/** The best epoch so far by `keepBest`'s metric: what `<checkpoint.dir>/best` holds. */
export interface BestRecord {
  readonly split: 'validation' | 'test';
  readonly metric: 'loss' | 'accuracy';
  readonly value: number;
  readonly epoch: number;
}

export interface FitResult {
  /** Every finished epoch, including those before a resume. */
  readonly history: EpochRecord[];
  /** Test result of the last epoch. */
  readonly test?: EvalResult;
  readonly stoppedEarly: boolean;
  /** With `keepBest`: the epoch whose checkpoint `<checkpoint.dir>/best` holds. */
  readonly best?: BestRecord;
  /** Wall time of this call. */
  readonly seconds: number;
}
