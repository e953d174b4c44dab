import { atomicWriteFile } from '@plasticity/core-tensors';
import type { EpochRecord, FitEvent } from '@plasticity/core-tensors';

/** A CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function cell(value: number | undefined): string {
  // Empty for a metric an epoch lacks; NaN and ±Infinity as pandas and Excel spell them.
  if (value === undefined) return '';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return String(value);
}

/**
 * Every epoch metric as CSV: one row per epoch, one column per metric — `epoch`,
 * `learning_rate`, `seconds`, `train_<metric>` for each training metric the rule reports, then
 * `validation_*` and `test_*` (loss, accuracy, count).
 */
export function metricsCsv(history: readonly EpochRecord[]): string {
  const trainNames = [...new Set(history.flatMap((e) => Object.keys(e.train)))];
  const splits = (['validation', 'test'] as const).filter((s) => history.some((e) => e[s]));
  const columns: [string, (e: EpochRecord) => number | undefined][] = [
    ['epoch', (e) => e.epoch],
    ['learning_rate', (e) => e.learningRate],
    ['seconds', (e) => e.seconds],
    ...trainNames.map((n): [string, (e: EpochRecord) => number | undefined] => [
      `train_${n}`,
      (e) => e.train[n],
    ]),
    ...splits.flatMap((s) =>
      (['loss', 'accuracy', 'count'] as const).map((k): [string, (e: EpochRecord) => number | undefined] => [
        `${s}_${k}`,
        (e) => e[s]?.[k],
      ]),
    ),
  ];
  const lines = [
    columns.map(([name]) => field(name)).join(','),
    ...history.map((e) => columns.map(([, pick]) => cell(pick(e))).join(',')),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Keeps `where` (metrics.csv) in step with the run: rewritten atomically after every epoch from
 * the epochs before this session (those up to where a resumed run starts) and the new ones.
 */
export function createMetricsCsv(
  where: string | (() => string),
  previous: readonly EpochRecord[],
): { onEvent(event: FitEvent): Promise<void> } {
  // A function when the run directory may move (an --overwrite replacement is swapped in).
  const at = typeof where === 'function' ? where : () => where;
  let history: EpochRecord[] = [];
  return {
    async onEvent(event) {
      if (event.type === 'start') history = previous.filter((r) => r.epoch <= event.startEpoch);
      if (event.type !== 'epoch') return;
      history.push(event);
      await atomicWriteFile(at(), metricsCsv(history));
    },
  };
}
