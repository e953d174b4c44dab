import { InvalidArgumentError } from 'commander';
import { PlasticityError, bestCheckpointDir } from '@plasticity/core-tensors';
import type { BestRecord, FitData, FitResult, FitSettings, KeepBestOptions } from '@plasticity/core-tensors';

/** `--keep-best` as parsed: a metric, or `true` for the default. */
export type KeepBestFlag = KeepBestOptions | true;

/** The best epoch as `train` reports it: fit's record and where its checkpoint is. */
export type KeptBest = BestRecord & { readonly dir: string };

const SPLITS: readonly KeepBestOptions['split'][] = ['validation', 'test'];
const METRICS: readonly KeepBestOptions['metric'][] = ['accuracy', 'loss'];

/** Commander parser for `train --keep-best [split.metric]` (a bare flag is `true`). */
export function keepBestFlag(value: string): KeepBestOptions {
  const [split, metric, ...rest] = value.split('.');
  const known =
    rest.length === 0 &&
    SPLITS.includes(split as KeepBestOptions['split']) &&
    METRICS.includes(metric as KeepBestOptions['metric']);
  if (!known) {
    throw new InvalidArgumentError(
      'Expected validation.accuracy, validation.loss, test.accuracy or test.loss (loss is minimised).',
    );
  }
  return { split, metric } as KeepBestOptions;
}

/**
 * The run's trainer settings with `--keep-best` applied. A bare flag watches validation
 * accuracy, or test accuracy when the dataset has no validation split. Whatever asked for it
 * (flag or config file), the watched split must exist.
 */
export function withKeepBest(
  fit: FitSettings,
  flag: KeepBestFlag | undefined,
  data: Pick<FitData, 'validation' | 'test'>,
  dataset: string,
): FitSettings {
  const keepBest =
    flag === true
      ? ({ split: data.validation ? 'validation' : 'test', metric: 'accuracy' } as const)
      : (flag ?? fit.keepBest);
  if (!keepBest) return fit;
  if (!data[keepBest.split]) {
    const other = SPLITS.find((split) => data[split]);
    throw new PlasticityError(
      'E_USAGE',
      `--keep-best ${keepBest.split}.${keepBest.metric}: dataset ${dataset} has no ${keepBest.split} split` +
        (other ? `; use --keep-best ${other}.${keepBest.metric}` : ''),
      { dataset, split: keepBest.split },
    );
  }
  return { ...fit, keepBest };
}

/** `{best}` for train's result when fit kept a best epoch (in `checkpointDir`/best), else `{}`. */
export function keptBest(result: FitResult, checkpointDir: string): { best?: KeptBest } {
  return result.best ? { best: { ...result.best, dir: bestCheckpointDir(checkpointDir) } } : {};
}

/** `validation accuracy 95.10% at epoch 7` */
export function describeBest(best: BestRecord): string {
  const value = best.metric === 'accuracy' ? `${(best.value * 100).toFixed(2)}%` : best.value.toFixed(4);
  return `${best.split} ${best.metric} ${value} at epoch ${best.epoch}`;
}
