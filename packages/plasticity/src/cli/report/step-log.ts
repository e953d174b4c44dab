import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { FitEvent, StepMetrics } from '@plasticity/core-tensors';

/** One training step's metrics, as a line of `steps.jsonl` (1-based epoch and step). */
export interface StepRecord {
  readonly epoch: number;
  readonly step: number;
  readonly stepsPerEpoch: number;
  readonly metrics: StepMetrics;
}

/** The step records in a `steps.jsonl`; a truncated last line (interrupted write) is dropped. */
export function readSteps(path: string): StepRecord[] {
  if (!existsSync(path)) return [];
  const records: StepRecord[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as StepRecord);
    } catch {
      // Only the last line can be cut off (appends are whole epochs); later epochs redo it.
    }
  }
  return records;
}

/**
 * Records every training step's metrics in `where` (JSON lines). Steps are buffered and appended
 * when their epoch finishes, so the file never holds a half-trained epoch; a resumed run keeps
 * only the epochs its checkpoint has.
 */
export function createStepLog(where: string | (() => string)): { onEvent(event: FitEvent): void } {
  // A function when the run directory may move (an --overwrite replacement is swapped in).
  const at = typeof where === 'function' ? where : () => where;
  let pending: StepRecord[] = [];
  return {
    onEvent(event) {
      const path = at();
      if (event.type === 'start') {
        const kept = readSteps(path).filter((r) => r.epoch <= event.startEpoch);
        const temp = `${path}.${process.pid}.tmp`;
        writeFileSync(temp, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
        renameSync(temp, path);
        pending = [];
      } else if (event.type === 'step') {
        const { epoch, step, stepsPerEpoch, metrics } = event;
        pending.push({ epoch, step, stepsPerEpoch, metrics });
      } else if (event.type === 'epoch') {
        appendFileSync(path, pending.map((r) => `${JSON.stringify(r)}\n`).join(''));
        pending = [];
      }
    },
  };
}

/**
 * A step metric as `[x, y]` points with x in epochs (`epoch − 1 + step / stepsPerEpoch`), so it
 * lines up with per-epoch curves; averaged over runs of consecutive steps down to at most
 * `maxPoints` points.
 */
export function stepSeries(
  records: readonly StepRecord[],
  metric: string,
  maxPoints = 400,
): [number, number][] {
  const points = records
    .map((r) => [r.epoch - 1 + r.step / r.stepsPerEpoch, r.metrics[metric]] as [number, number])
    .filter(([, y]) => Number.isFinite(y));
  const size = Math.ceil(points.length / maxPoints);
  if (size <= 1) return points;
  const out: [number, number][] = [];
  for (let i = 0; i < points.length; i += size) {
    const chunk = points.slice(i, i + size);
    out.push([chunk[chunk.length - 1][0], chunk.reduce((a, [, y]) => a + y, 0) / chunk.length]);
  }
  return out;
}
