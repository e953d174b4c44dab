/** Trainer settings that recipes, config files and CLI flags fill in (CLI flags win). */
export interface FitSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly schedule: LearningRateSchedule;
  readonly seed: number;
  /** Also keep the checkpoint of the best epoch by this metric (in `<checkpoint.dir>/best`). */
  readonly keepBest?: KeepBestOptions;
}

/** The metric that picks the best epoch: `loss` is minimised, `accuracy` maximised. */
export interface KeepBestOptions {
  readonly split: 'validation' | 'test';
  readonly metric: 'loss' | 'accuracy';
}

export type LearningRateSchedule =
  | { readonly kind: 'constant' }
  /** lr · factor^floor(epoch / every) */
  | { readonly kind: 'step'; readonly factor: number; readonly every: number }
  /** lr · factor^epoch */
  | { readonly kind: 'exponential'; readonly factor: number }
  /** cosine from lr to lr·minFactor over `epochs` */
  | { readonly kind: 'cosine'; readonly minFactor?: number };
