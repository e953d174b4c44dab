import type { EpochRecord, EvalResult } from '@plasticity/core-tensors';
import type { RunConfig } from '../run-dir.js';
import { escapeHtml } from './escape.js';
import { STYLE, flattenConfig, formatNumber, row } from './html-report.js';
import { lineChart } from './svg-chart.js';

/** One run as `plasticity compare` reads it. */
export interface ComparedRun {
  /** Absolute run directory. */
  readonly dir: string;
  /** Its label in legends and column heads (unique among the compared runs). */
  readonly name: string;
  readonly config: RunConfig;
  /** metrics.jsonl: at least one epoch. */
  readonly history: readonly EpochRecord[];
}

type Split = 'validation' | 'test';

/** Final figures of one run: what the table of final metrics shows and `compare --json` prints. */
export interface RunSummary {
  readonly name: string;
  readonly dir: string;
  readonly rule: string;
  readonly dataset: string;
  readonly preset?: string;
  readonly epochs: number;
  /** Highest accuracy of each split and the (first) epoch it was reached. */
  readonly best: { readonly [S in Split]?: { readonly accuracy: number; readonly epoch: number } };
  /** Each split's result after the last epoch. */
  readonly final: { readonly [S in Split]?: EvalResult };
  /** Sum of the epochs' wall times (training and evaluation, over every session of the run). */
  readonly seconds: number;
  readonly backend: string;
}

/** A setting (dotted key) and each run's value, `null` where a run does not have it. */
export interface ConfigDifference {
  readonly key: string;
  readonly values: readonly (string | null)[];
}

const SPLITS: readonly Split[] = ['validation', 'test'];

function bestAccuracy(history: readonly EpochRecord[], split: Split): RunSummary['best'][Split] {
  let best: { accuracy: number; epoch: number } | undefined;
  for (const record of history) {
    const accuracy = record[split]?.accuracy;
    if (accuracy !== undefined && (best === undefined || accuracy > best.accuracy)) {
      best = { accuracy, epoch: record.epoch };
    }
  }
  return best;
}

export function summarise(run: ComparedRun): RunSummary {
  const { config, history } = run;
  const last = history[history.length - 1];
  const best: Partial<Record<Split, { accuracy: number; epoch: number }>> = {};
  const final: Partial<Record<Split, EvalResult>> = {};
  for (const split of SPLITS) {
    const top = bestAccuracy(history, split);
    if (top) best[split] = top;
    if (last[split]) final[split] = last[split];
  }
  return {
    name: run.name,
    dir: run.dir,
    rule: config.rule,
    dataset: config.dataset,
    ...(config.preset ? { preset: config.preset } : {}),
    epochs: last.epoch,
    best,
    final,
    seconds: history.reduce((sum, record) => sum + (record.seconds ?? 0), 0),
    backend: config.backend.name,
  };
}

/** The settings a comparison looks at: everything in config.json but bookkeeping. */
function settingsOf(config: RunConfig): unknown {
  const {
    format: _format,
    runId: _runId,
    createdAt: _createdAt,
    classNames: _classNames,
    ...settings
  } = config;
  return settings;
}

/**
 * Every setting flattened to dotted keys, split into those that differ between the runs (a
 * key some runs lack differs) and the number that are identical.
 */
export function configDifferences(runs: readonly ComparedRun[]): {
  differ: ConfigDifference[];
  identical: [string, string][];
} {
  const flat = runs.map((run) => new Map(flattenConfig(settingsOf(run.config))));
  const keys = [...new Set(flat.flatMap((m) => [...m.keys()]))].sort();
  const differ: ConfigDifference[] = [];
  const identical: [string, string][] = [];
  for (const key of keys) {
    const values = flat.map((m) => m.get(key) ?? null);
    if (values.every((v) => v !== null && v === values[0])) identical.push([key, values[0] as string]);
    else differ.push({ key, values });
  }
  return { differ, identical };
}

const percent = (value: number | undefined): string =>
  value === undefined ? '' : `${(value * 100).toFixed(2)}%`;

/** The largest value of a row in bold (only when runs differ). */
function highlightMax(values: (number | undefined)[], format: (v: number) => string): string[] {
  const present = values.filter((v): v is number => v !== undefined);
  const max = present.length > 1 && new Set(present).size > 1 ? Math.max(...present) : undefined;
  return values.map((v) => (v === undefined ? '—' : v === max ? `<strong>${format(v)}</strong>` : format(v)));
}

function metricsTable(runs: readonly ComparedRun[], summaries: readonly RunSummary[]): string {
  const cells = (pick: (s: RunSummary) => string | undefined): string[] =>
    summaries.map((s) => escapeHtml(pick(s) ?? '—'));
  const numeric = [false, ...runs.map(() => true)];
  const rows: [string, string[]][] = [
    ['rule', cells((s) => s.rule)],
    ['dataset', cells((s) => s.dataset + (s.preset ? ` (${s.preset})` : ''))],
    ['epochs', cells((s) => String(s.epochs))],
  ];
  for (const split of SPLITS) {
    if (!summaries.some((s) => s.final[split])) continue;
    const best = highlightMax(
      summaries.map((s) => s.best[split]?.accuracy),
      percent,
    ).map((text, i) => {
      const epoch = summaries[i].best[split]?.epoch;
      return epoch === undefined ? text : `${text} (epoch ${epoch})`;
    });
    rows.push(
      [`best ${split} accuracy`, best],
      [
        `final ${split} accuracy`,
        highlightMax(
          summaries.map((s) => s.final[split]?.accuracy),
          percent,
        ),
      ],
      [`final ${split} loss`, cells((s) => formatNumber(s.final[split]?.loss))],
    );
  }
  rows.push(
    ['wall time (s, sum of epochs)', cells((s) => s.seconds.toFixed(1))],
    ['backend', cells((s) => s.backend)],
    ['directory', cells((s) => s.dir)],
  );
  const head = row(['', ...runs.map((r) => escapeHtml(r.name))], numeric, 'th');
  return `<table class="metrics">\n${head}\n${rows.map(([label, values]) => row([escapeHtml(label), ...values], numeric)).join('\n')}\n</table>`;
}

/** One chart with a line per run; every run keeps its colour (index) even without data here. */
function runsChart(
  runs: readonly ComparedRun[],
  title: string,
  yLabel: string,
  pick: (e: EpochRecord) => number | undefined,
  accuracy: boolean,
): string | undefined {
  const series = runs.map((run) => ({
    name: run.name,
    points: run.history.map((e) => [e.epoch, pick(e) ?? Number.NaN] as const),
  }));
  if (!series.some((s) => s.points.some(([, y]) => Number.isFinite(y)))) return undefined;
  return lineChart({
    title,
    xLabel: 'epoch',
    yLabel,
    series,
    ...(accuracy ? { yRange: [0, 1] as const, legend: 'bottom-right' as const } : {}),
  });
}

function charts(runs: readonly ComparedRun[]): string[] {
  const sameRule = new Set(runs.map((r) => r.config.rule)).size === 1;
  return [
    runsChart(runs, 'Validation accuracy', 'accuracy', (e) => e.validation?.accuracy, true),
    runsChart(runs, 'Test accuracy', 'accuracy', (e) => e.test?.accuracy, true),
    runsChart(runs, 'Validation loss', 'cross-entropy', (e) => e.validation?.loss, false),
    runsChart(runs, 'Test loss', 'cross-entropy', (e) => e.test?.loss, false),
    // A rule's training loss is its own objective: comparable only between runs of one rule.
    sameRule
      ? runsChart(
          runs,
          `Train loss (${runs[0].config.rule})`,
          'training objective',
          (e) => e.train.loss,
          false,
        )
      : undefined,
  ].filter((chart): chart is string => chart !== undefined);
}

function differencesSection(runs: readonly ComparedRun[]): string {
  const { differ, identical } = configDifferences(runs);
  const head = row(['setting', ...runs.map((r) => escapeHtml(r.name))], [], 'th');
  const differing =
    differ.length === 0
      ? '<p>The runs have identical settings.</p>'
      : `<table class="differences">\n${head}\n${differ
          .map((d) => row([escapeHtml(d.key), ...d.values.map((v) => (v === null ? '—' : escapeHtml(v)))]))
          .join('\n')}\n</table>`;
  const same =
    identical.length === 0
      ? ''
      : `<details><summary>${identical.length} identical settings</summary>\n<table class="identical">\n${identical
          .map(([key, value]) => row([escapeHtml(key), escapeHtml(value)]))
          .join('\n')}\n</table>\n</details>`;
  return `${differing}\n${same}`;
}

function epochTables(runs: readonly ComparedRun[]): string {
  const header = ['epoch', 'train loss', 'val loss', 'val acc', 'test loss', 'test acc', 's'];
  const numeric = header.map(() => true);
  return runs
    .map((run) => {
      const rows = run.history.map((e) =>
        row(
          [
            String(e.epoch),
            formatNumber(e.train.loss),
            formatNumber(e.validation?.loss),
            formatNumber(e.validation?.accuracy),
            formatNumber(e.test?.loss),
            formatNumber(e.test?.accuracy),
            e.seconds === undefined ? '' : e.seconds.toFixed(2),
          ],
          numeric,
        ),
      );
      return `<details><summary>${escapeHtml(run.name)}: ${run.history.length} epochs</summary>\n<table class="epochs" data-run="${escapeHtml(run.name)}">\n${row(header, numeric, 'th')}\n${rows.join('\n')}\n</table>\n</details>`;
    })
    .join('\n');
}

function datasetWarning(runs: readonly ComparedRun[]): string {
  const byDataset = new Map<string, string[]>();
  for (const run of runs)
    byDataset.set(run.config.dataset, [...(byDataset.get(run.config.dataset) ?? []), run.name]);
  if (byDataset.size < 2) return '';
  const list = [...byDataset].map(([dataset, names]) => `${dataset}: ${names.join(', ')}`).join('; ');
  return `<p class="warning"><strong>These runs are on different datasets</strong> (${escapeHtml(list)}): their accuracies and losses are not measured on the same data.</p>`;
}

/** A self-contained HTML page comparing runs: overlaid curves, final metrics, config differences. */
export function renderComparePage(runs: readonly ComparedRun[], footer?: string): string {
  const title = `plasticity: ${runs.length} runs compared`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}
.warning { background: #fff4e5; border-left: 4px solid #E69F00; padding: 0.5rem 0.75rem; }
details { margin: 0.5rem 0; } summary { cursor: pointer; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${datasetWarning(runs)}
<h2>Final metrics</h2>
${metricsTable(runs, runs.map(summarise))}
<h2>Learning curves</h2>
<div class="charts">
${charts(runs).join('\n')}
</div>
<h2>Settings that differ</h2>
${differencesSection(runs)}
<h2>Epochs</h2>
${epochTables(runs)}
${footer ? `<footer>${escapeHtml(footer)}</footer>` : ''}
</body>
</html>
`;
}
