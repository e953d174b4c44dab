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
  let inspected = 0;
  for await (const batch of split.batches({ batchSize: INSPECT_BATCH, shuffle: false })) {
    // Inside the loop: the split disposes the batch when the iterator advances.
    const part = await learner.inspect(batch.x, { samples: INSPECT_BATCH });
    const y = (await batch.y.data()) as Float32Array | Int32Array;
    inspected += batch.size;
    if (batch.y.rank === 2) parts.push(withTargets(part, y as Float32Array, batch.y.shape[1] as number));
    else {
      parts.push(part);
      labels.push(...y);
    }
    if (inspected >= INSPECTED_SAMPLES) break;
  }
  return parts.length > 0 ? { data: concatInspections(parts), labels } : undefined;
}

/**
 * A regression's target rows `[B, width]` attached to its output traces, where each row is the
 * traces' series (`steps × units` values, time-major): what the report draws against them.
 */
function withTargets(part: Inspection, y: Float32Array, width: number): Inspection {
  const traces = part.traces;
  if (!traces || traces.steps * traces.units !== width) return part;
  const targets = traces.samples.map((_, b) => y.slice(b * width, (b + 1) * width));
  return { ...part, traces: { ...traces, targets } };
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

/** A split's final accuracy and loss (a regression's loss, its mean squared error, alone). */
function splitSummary(name: string, result: { accuracy: number; loss: number } | undefined) {
  if (!result) return {};
  return Number.isNaN(result.accuracy)
    ? { [`${name} mean squared error`]: result.loss }
    : { [`${name} accuracy`]: result.accuracy, [`${name} loss`]: result.loss };
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
      ...splitSummary('test', result.test),
      ...splitSummary('validation', result.validation),
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
