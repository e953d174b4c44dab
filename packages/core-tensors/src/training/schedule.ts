import type { FitSettings } from './settings.js';

/** Learning rate for 0-based `epochIndex` under the settings' schedule. */
export function learningRateAt(settings: FitSettings, epochIndex: number): number {
  const { learningRate: lr, schedule } = settings;
  switch (schedule.kind) {
    case 'constant':
      return lr;
    case 'step':
      return lr * schedule.factor ** Math.floor(epochIndex / schedule.every);
    case 'exponential':
      return lr * schedule.factor ** epochIndex;
    case 'cosine': {
      // Half a cosine from lr at epoch 0 towards lr·minFactor at `epochs` (as PyTorch's
      // CosineAnnealingLR with T_max = epochs), so the last epoch still learns.
      const min = schedule.minFactor ?? 0;
      const progress = Math.min(1, epochIndex / settings.epochs);
      return lr * (min + ((1 - min) * (1 + Math.cos(Math.PI * progress))) / 2);
    }
  }
}
