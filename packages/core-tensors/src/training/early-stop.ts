import type { EarlyStopOptions, EpochRecord } from './events.js';

/** Saved with checkpoints so a resumed run stops where the uninterrupted one would. */
export interface EarlyStopState {
  readonly best: number | null;
  readonly bestEpoch: number;
  readonly bad: number;
}

/** Whether `value` beats `best` by more than `minDelta` (loss: lower is better; accuracy: higher). */
export function improves(
  metric: 'loss' | 'accuracy',
  value: number,
  best: number | null,
  minDelta = 0,
): boolean {
  if (best === null) return true;
  return metric === 'loss' ? value < best - minDelta : value > best + minDelta;
}

export class EarlyStopper {
  private best: number | null = null;
  private bestEpoch = 0;
  private bad = 0;

  constructor(private readonly options: EarlyStopOptions) {}

  /** Feeds one epoch; true when training should stop after it. */
  update(record: EpochRecord): boolean {
    const result = record[this.options.split];
    if (!result) return false;
    const value = result[this.options.metric];
    if (improves(this.options.metric, value, this.best, this.options.minDelta)) {
      this.best = value;
      this.bestEpoch = record.epoch;
      this.bad = 0;
    } else {
      this.bad++;
    }
    return this.bad >= this.options.patience;
  }

  state(): EarlyStopState {
    return { best: this.best, bestEpoch: this.bestEpoch, bad: this.bad };
  }

  restore(state: EarlyStopState): void {
    this.best = state.best;
    this.bestEpoch = state.bestEpoch;
    this.bad = state.bad;
  }
}
