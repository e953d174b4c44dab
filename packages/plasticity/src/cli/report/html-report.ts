import { escapeHtml } from './escape.js';
import { lineChart } from './svg-chart.js';
import type { ChartSeries } from './svg-chart.js';
import { inspectionSection } from './spike-plots.js';
import { confusionTable } from './confusion-table.js';
import { rateHistograms } from './rate-histogram.js';
import { stepSeries } from './step-log.js';
import type { StepRecord } from './step-log.js';
import type { Inspection, MetricDescription } from '@plasticity/core-tensors';

/** The parts of an epoch record the report draws (structurally a core `EpochRecord`; 1-based epochs). */
export interface ReportEpoch {
  readonly epoch: number;
  readonly learningRate?: number;
  readonly seconds?: number;
  readonly train: Readonly<Record<string, number>>;
  readonly validation?: { readonly loss: number; readonly accuracy: number };
  readonly test?: { readonly loss: number; readonly accuracy: number };
}

export interface ReportInput {
  readonly title: string;
  /** Final figures, shown first (e.g. `test accuracy: 0.987`). */
  readonly summary: Readonly<Record<string, string | number>>;
  /** Run configuration; nested objects are flattened to dotted keys. */
  readonly config: unknown;
  readonly history: readonly ReportEpoch[];
  /** Footer line (versions, date). */
  readonly footer?: string;
  /** Spiking rules: spikes and output voltages of some test samples (rasters of the first few). */
  readonly inspection?: {
    readonly data: Inspection;
    readonly labels?: ArrayLike<number>;
    readonly classNames?: readonly string[];
  };
  /** What the rule's training metrics are (its `RulePlugin.metrics`): chart labels and units. */
  readonly metrics?: Readonly<Record<string, MetricDescription>>;
  /** Every training step's metrics (`steps.jsonl`): a per-step curve when epochs are long. */
  readonly steps?: readonly StepRecord[];
  /** The final model's confusion matrix `[label][predicted]` on one split. */
  readonly confusion?: {
    readonly split: string;
    readonly matrix: readonly (readonly number[])[];
    readonly classNames?: readonly string[];
  };
}

/** Per-step metrics the loss and accuracy charts already show. */
const SHOWN_METRICS = new Set(['loss', 'accuracy']);

/** Rasters and voltage traces drawn (the histograms use every inspected sample). */
const RASTER_SAMPLES = 3;

/** Epochs with at least this many steps (on average) get a per-step training curve. */
export const LONG_EPOCH_STEPS = 20;

/** What core's `evaluate` reports for the validation and test splits. */
const EVALUATION_LOSS = 'softmax cross-entropy of the predicted scores';
const REGRESSION_LOSS = 'mean squared error of the predicted series against the targets';

/** A rule's `loss` when its plugin does not say what it is. */
const UNDESCRIBED_LOSS: MetricDescription = {
  label: 'training loss',
  description: "the rule's own training objective, as its trainStep reports it (mean over the epoch's steps)",
};

function axisLabel(d: MetricDescription): string {
  return d.unit ? `${d.label} (${d.unit})` : d.label;
}

/**
 * The epoch with the best accuracy on the validation split (the test split when there is
 * none); the first of equals. Undefined when no epoch was evaluated.
 */
export function bestEpoch(
  history: readonly ReportEpoch[],
): { readonly epoch: number; readonly split: 'validation' | 'test'; readonly accuracy: number } | undefined {
  const split = history.some((e) => e.validation)
    ? 'validation'
    : history.some((e) => e.test)
      ? 'test'
      : undefined;
  if (!split) return undefined;
  let best: { epoch: number; split: 'validation' | 'test'; accuracy: number } | undefined;
  for (const e of history) {
    const accuracy = e[split]?.accuracy;
    if (accuracy !== undefined && Number.isFinite(accuracy) && (!best || accuracy > best.accuracy)) {
      best = { epoch: e.epoch, split, accuracy };
    }
  }
  return best;
}

export const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; } td, th { padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
svg .grid { stroke: #e5e5e5; } svg .frame { fill: none; stroke: #999; }
svg text { font: 11px system-ui, sans-serif; fill: #333; } svg .title { font-size: 13px; font-weight: 600; }
svg .label { font-size: 12px; } figure { margin: 0; } figcaption { max-width: 520px; color: #555; font-size: 12px; }
table.confusion th, table.confusion td { border: 1px solid #ddd; } tr:has(.best) td { background: #fff4d6; } footer { margin-top: 2rem; color: #777; font-size: 12px; }
`;

/** `{a: {b: 1}, c: [1, 2]}` → `[['a.b', '1'], ['c', '[1,2]']]`. */
export function flattenConfig(value: unknown, prefix = ''): [string, string][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return prefix ? [[prefix, '{}']] : [];
    return entries.flatMap(([key, inner]) => flattenConfig(inner, prefix ? `${prefix}.${key}` : key));
  }
  return [[prefix || '(value)', typeof value === 'string' ? value : JSON.stringify(value)]];
}

export function formatNumber(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '';
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e5 ? value.toFixed(4) : value.toExponential(3);
}

export function row(cells: string[], numeric: boolean[] = [], tag = 'td'): string {
  return `<tr>${cells.map((c, i) => `<${tag}${numeric[i] ? ' class="num"' : ''}>${c}</${tag}>`).join('')}</tr>`;
}

function curve(
  history: readonly ReportEpoch[],
  name: string,
  pick: (e: ReportEpoch) => number | undefined,
): ChartSeries | undefined {
  const points = history.map((e) => [e.epoch, pick(e) ?? Number.NaN] as const);
  return points.some(([, y]) => Number.isFinite(y)) ? { name, points } : undefined;
}

function present<T>(items: (T | undefined)[]): T[] {
  return items.filter((item): item is T => item !== undefined);
}

/** A chart with an optional caption below it. */
function figure(chart: string, caption?: string): string {
  return caption ? `<figure>\n${chart}\n<figcaption>${escapeHtml(caption)}</figcaption>\n</figure>` : chart;
}

/** A self-contained HTML page: learning curves as inline SVG, final metrics, config, epochs. */
export function renderReport(input: ReportInput): string {
  const { history } = input;
  const describe = (name: string): MetricDescription | undefined => input.metrics?.[name];
  const best = bestEpoch(history);
  const mark = best ? { x: best.epoch, label: `best (${best.split})` } : undefined;

  // The rule's objective and the evaluation cross-entropy are different quantities (a goodness
  // loss, a TTFS loss with regularisers…): each gets its own chart and axis.
  const objective = describe('loss') ?? UNDESCRIBED_LOSS;
  const steps = input.steps ?? [];
  const longEpochs = history.length > 0 && steps.length >= LONG_EPOCH_STEPS * history.length;
  const stepPoints = longEpochs ? stepSeries(steps, 'loss') : [];
  const objectiveChart = figure(
    lineChart({
      title: longEpochs ? 'Training objective, per step and per epoch' : 'Training objective',
      xLabel: 'epoch',
      yLabel: axisLabel(objective),
      mark,
      series: present([
        stepPoints.length > 0 ? { name: 'train, per step', points: stepPoints, markers: false } : undefined,
        curve(history, 'train, epoch mean', (e) => e.train.loss),
      ]),
    }),
    objective.description,
  );
  const evaluationSeries = present([
    curve(history, 'validation', (e) => e.validation?.loss),
    curve(history, 'test', (e) => e.test?.loss),
  ]);
  // A regression's evaluation is a mean squared error, and it has no accuracy.
  const evaluated = history.flatMap((e) => [e.validation, e.test]).filter((r) => r !== undefined);
  const regression = evaluated.length > 0 && evaluated.every((r) => !Number.isFinite(r.accuracy));
  const evaluationChart =
    evaluationSeries.length === 0
      ? ''
      : figure(
          lineChart({
            title: regression ? 'Evaluation mean squared error' : 'Evaluation cross-entropy',
            xLabel: 'epoch',
            yLabel: regression ? 'mean squared error' : 'cross-entropy',
            mark,
            series: evaluationSeries,
          }),
          `${regression ? REGRESSION_LOSS : EVALUATION_LOSS} on each split after each epoch (comparable across rules; not the training objective)`,
        );
  const accuracyChart = regression
    ? ''
    : lineChart({
        title: 'Accuracy',
        xLabel: 'epoch',
        yLabel: 'accuracy',
        yRange: [0, 1],
        legend: 'bottom-right',
        mark,
        series: present([
          curve(history, 'train', (e) => e.train.accuracy),
          curve(history, 'validation', (e) => e.validation?.accuracy),
          curve(history, 'test', (e) => e.test?.accuracy),
        ]),
      });

  // Rule-specific training metrics (spike rates, goodness, controller effort): one chart each.
  const extraNames = [...new Set(history.flatMap((e) => Object.keys(e.train)))].filter(
    (name) => !SHOWN_METRICS.has(name),
  );
  const extraCharts = extraNames.flatMap((name) => {
    const series = present([curve(history, 'train', (e) => e.train[name])]);
    if (series.length === 0) return [];
    const description = describe(name) ?? { label: name };
    return [
      figure(
        lineChart({
          title: description.label === name ? name : `${description.label} (${name})`,
          xLabel: 'epoch',
          yLabel: axisLabel(description),
          mark,
          series,
        }),
        description.description,
      ),
    ];
  });
  const inspection = input.inspection;
  const spikes = inspection
    ? `<h2>Spikes and output voltages (test samples)</h2>\n<div class="charts">\n${inspectionSection(
        inspection.data,
        { ...inspection, samples: RASTER_SAMPLES },
      )}\n</div>\n<h2>Firing rates per layer (test samples)</h2>\n<div class="charts">\n${rateHistograms(
        inspection.data,
      ).join('\n')}\n</div>`
    : '';
  const confusion = input.confusion
    ? `<h2>Confusion matrix and per-class accuracy (${escapeHtml(input.confusion.split)} split, final model)</h2>\n${confusionTable(
        input.confusion.matrix,
        input.confusion.classNames,
      )}`
    : '';

  const summary = {
    ...input.summary,
    ...(best
      ? { [`best epoch (${best.split} accuracy)`]: `${best.epoch} (${formatNumber(best.accuracy)})` }
      : {}),
  };
  const summaryRows = Object.entries(summary).map(([key, value]) =>
    row(
      [escapeHtml(key), escapeHtml(typeof value === 'number' ? formatNumber(value) : value)],
      [false, true],
    ),
  );
  const configRows = flattenConfig(input.config).map(([key, value]) =>
    row([escapeHtml(key), escapeHtml(value)]),
  );
  const epochHeader = [
    'epoch',
    'lr',
    'train loss',
    'train acc',
    'val loss',
    'val acc',
    'test loss',
    'test acc',
    's',
    'best',
  ];
  const epochRows = history.map((e) =>
    row(
      [
        String(e.epoch),
        formatNumber(e.learningRate),
        formatNumber(e.train.loss),
        formatNumber(e.train.accuracy),
        formatNumber(e.validation?.loss),
        formatNumber(e.validation?.accuracy),
        formatNumber(e.test?.loss),
        formatNumber(e.test?.accuracy),
        e.seconds === undefined ? '' : e.seconds.toFixed(2),
        e.epoch === best?.epoch ? `<span class="best">◆ ${best.split}</span>` : '',
      ],
      epochHeader.map(() => true),
    ),
  );

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<table class="summary">
${summaryRows.join('\n')}
</table>
<h2>Learning curves</h2>
<div class="charts">
${objectiveChart}
${evaluationChart}
${accuracyChart}
${extraCharts.join('\n')}
</div>
${confusion}
${spikes}
<h2>Epochs</h2>
<table class="epochs">
${row(
  epochHeader,
  epochHeader.map(() => true),
  'th',
)}
${epochRows.join('\n')}
</table>
<h2>Configuration</h2>
<table class="config">
${configRows.join('\n')}
</table>
${input.footer ? `<footer>${escapeHtml(input.footer)}</footer>` : ''}
</body>
</html>
`;
}
