import { atomicWriteFile, getRule } from '@plasticity/core-tensors';
import type { DataSplit, EpochRecord, Inspection, Learner, TaskSpec } from '@plasticity/core-tensors';
import type { TrainResult } from '../commands/train.js';
import { confusionOf } from '../confusion.js';
import { describeBest } from '../keep-best.js';
import { runPath } from '../run-dir.js';
import type { RunConfig } from '../run-dir.js';
import { renderReport } from './html-report.js';
import type { ReportInput } from './html-report.js';
import { concatInspections } from './spike-plots.js';
import { readSteps } from './step-log.js';

// What `train` puts in report.html at the end of a run, from the trained learner and the run's files.

/** Test samples inspected: enough for per-neuron rate histograms; the report draws rasters of a few. */
const INSPECTED_SAMPLES = 32;
/** Inspected at a time: a learner's dense spike tensors grow with the batch (conv layers: fast). */
const INSPECT_BATCH = 4;

/** Spikes and voltage traces of the first test samples, for rules that can show them. */
export async function inspectTestSamples(
  learner: Learner,
  split: DataSplit | undefined,
): Promise<ReportInspection | undefined> {
  if (!learner.inspect || !split) return undefined;
  const parts: Inspection[] = [];
  const labels: number[] = [];
  for await (const batch of split.batches({ batchSize: INSPECT_BATCH, shuffle: false })) {
    // Inside the loop: the split disposes the batch when the iterator advances.
    parts.push(await learner.inspect(batch.x, { samples: INSPECT_BATCH }));
    labels.push(...(await batch.y.data()));
    if (labels.length >= INSPECTED_SAMPLES) break;
  }
  return parts.length > 0 ? { data: concatInspections(parts), labels } : undefined;
}

export type ReportInspection = NonNullable<ReportInput['inspection']>;

/** The final model's confusion matrix on the test split (validation when there is none). */
export async function finalConfusion(
  learner: Learner,
  data: { task: TaskSpec; test?: DataSplit; validation?: DataSplit },
  batchSize: number,
): Promise<ReportInput['confusion']> {
  const [split, name] = data.test ? [data.test, 'test'] : [data.validation, 'validation'];
  if (!split || data.task.kind !== 'classification') return undefined;
  return { split: name, matrix: await confusionOf(learner, split, data.task.outputs, batchSize) };
}

export async function writeReport(
  out: string,
  runConfig: RunConfig,
  result: TrainResult,
  history: readonly EpochRecord[],
  inspection: ReportInspection | undefined,
  confusion: ReportInput['confusion'],
) {
  const html = renderReport({
    title: `plasticity: ${runConfig.rule} on ${runConfig.dataset}`,
    summary: {
      ...(result.test ? { 'test accuracy': result.test.accuracy, 'test loss': result.test.loss } : {}),
      ...(result.validation
        ? { 'validation accuracy': result.validation.accuracy, 'validation loss': result.validation.loss }
        : {}),
      epochs: result.epochs,
      ...(result.stoppedEarly ? { 'stopped early': 'yes' } : {}),
      ...(result.best ? { 'best epoch (kept)': describeBest(result.best) } : {}),
      'seconds (last session)': result.seconds,
      backend: `${runConfig.backend.name}${runConfig.backend.detail ? ` (${runConfig.backend.detail})` : ''}`,
    },
    config: {
      rule: runConfig.rule,
      dataset: runConfig.dataset,
      ...(runConfig.preset ? { preset: runConfig.preset } : {}),
      config: runConfig.config,
      fit: runConfig.fit,
      preprocess: runConfig.preprocess,
    },
    history,
    metrics: getRule(runConfig.rule).metrics,
    steps: readSteps(runPath(out, 'steps')),
    ...(confusion ? { confusion: { ...confusion, classNames: runConfig.classNames } } : {}),
    ...(inspection ? { inspection: { ...inspection, classNames: runConfig.classNames } } : {}),
    footer: `${Object.entries(runConfig.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(' · ')} · ${new Date().toISOString()}`,
  });
  await atomicWriteFile(runPath(out, 'report'), html);
}
