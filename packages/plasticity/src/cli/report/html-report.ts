import { escapeHtml } from './escape.js';
import { lineChart } from './svg-chart.js';
import type { ChartSeries } from './svg-chart.js';
import { inspectionSection } from './spike-plots.js';
import type { Inspection } from '@plasticity/core-tensors';

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
  /** Spiking rules: rasters and output voltages of a few test samples. */
  readonly inspection?: {
    readonly data: Inspection;
    readonly labels?: ArrayLike<number>;
    readonly classNames?: readonly string[];
  };
}

/** Per-step metrics the loss and accuracy charts already show. */
const SHOWN_METRICS = new Set(['loss', 'accuracy']);

export const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; } td, th { padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
svg .grid { stroke: #e5e5e5; } svg .frame { fill: none; stroke: #999; }
svg text { font: 11px system-ui, sans-serif; fill: #333; } svg .title { font-size: 13px; font-weight: 600; }
svg .label { font-size: 12px; } footer { margin-top: 2rem; color: #777; font-size: 12px; }
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

/** A self-contained HTML page: learning curves as inline SVG, final metrics, config, epochs. */
export function renderReport(input: ReportInput): string {
  const { history } = input;
  const lossChart = lineChart({
    title: 'Loss',
    xLabel: 'epoch',
    yLabel: 'cross-entropy',
    series: present([
      curve(history, 'train', (e) => e.train.loss),
      curve(history, 'validation', (e) => e.validation?.loss),
      curve(history, 'test', (e) => e.test?.loss),
    ]),
  });
  const accuracyChart = lineChart({
    title: 'Accuracy',
    xLabel: 'epoch',
    yLabel: 'accuracy',
    yRange: [0, 1],
    legend: 'bottom-right',
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
  const extraCharts = extraNames.map((name) =>
    lineChart({
      title: name,
      xLabel: 'epoch',
      yLabel: name,
      series: present([curve(history, 'train', (e) => e.train[name])]),
    }),
  );
  const spikes = input.inspection
    ? `<h2>Spikes and output voltages (test samples)</h2>\n<div class="charts">\n${inspectionSection(
        input.inspection.data,
        input.inspection,
      )}\n</div>`
    : '';

  const summaryRows = Object.entries(input.summary).map(([key, value]) =>
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
${lossChart}
${accuracyChart}
${extraCharts.join('\n')}
</div>
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
