import type { ExperimentChart, ExperimentResult, ExperimentTable } from '@plasticity/core-tensors';
import { escapeHtml } from '../report/escape.js';
import { STYLE, flattenConfig, formatNumber, row } from '../report/html-report.js';
import { lineChart } from '../report/svg-chart.js';

export interface ExperimentReportInput {
  readonly name: string;
  readonly summary: string;
  readonly seed: number;
  readonly options: unknown;
  readonly result: ExperimentResult;
  readonly seconds: number;
  /** Versions and time, one line. */
  readonly footer: string;
}

function cell(value: string | number): string {
  return typeof value === 'number' ? formatNumber(value) : escapeHtml(value);
}

function tableHtml(table: ExperimentTable): string {
  const numeric = table.columns.map((_, i) => table.rows.some((r) => typeof r[i] === 'number'));
  return [
    `<h2>${escapeHtml(table.title)}</h2>`,
    '<table>',
    row(table.columns.map(escapeHtml), numeric, 'th'),
    ...table.rows.map((r) =>
      row(
        r.map((v) => cell(v)),
        numeric,
      ),
    ),
    '</table>',
    table.caption ? `<p class="caption">${escapeHtml(table.caption)}</p>` : '',
  ].join('\n');
}

function chartHtml(chart: ExperimentChart): string {
  // As many dashed references as solid curves: each reference takes its curve's colour (data
  // beside the model of the same bin).
  const dashed = chart.series.filter((s) => s.dashed).length;
  const paired = dashed > 0 && dashed * 2 === chart.series.length;
  const svg = lineChart({
    title: chart.title,
    xLabel: chart.xLabel,
    yLabel: chart.yLabel,
    series: chart.series.map((s, i) => ({
      name: s.name,
      points: s.points,
      dashed: s.dashed,
      colour: paired
        ? chart.series.slice(0, i).filter((t) => Boolean(t.dashed) === Boolean(s.dashed)).length
        : i,
    })),
    markers: chart.series.every((s) => s.points.length <= 40),
    logX: chart.logX,
  });
  return chart.caption
    ? `<figure>\n${svg}\n<figcaption>${escapeHtml(chart.caption)}</figcaption>\n</figure>`
    : svg;
}

/** A self-contained HTML page of one experiment: its figures, tables and charts (inline SVG). */
export function renderExperimentReport(input: ExperimentReportInput): string {
  const { result } = input;
  // Undefined entries (a figure not measured in this run) are left out, as JSON leaves them out.
  const shown = (entries: [string, string | undefined][]): [string, string][] =>
    entries.filter((e): e is [string, string] => e[1] !== undefined);
  const figures = shown(flattenConfig(result.figures));
  const options = shown(flattenConfig(input.options));
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(input.name)} — plasticity experiment</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(input.name)}</h1>`,
    `<p>${escapeHtml(input.summary)}</p>`,
    `<p>Seed ${input.seed}, ${input.seconds.toFixed(1)} s.</p>`,
    '<h2>Figures</h2>',
    '<table>',
    ...figures.map(([key, value]) => row([escapeHtml(key), escapeHtml(value)], [false, true])),
    '</table>',
    '<h2>Charts</h2>',
    '<div class="charts">',
    ...result.charts.map(chartHtml),
    '</div>',
    ...(result.tables ?? []).map(tableHtml),
    '<h2>Options</h2>',
    '<table>',
    ...options.map(([key, value]) => row([escapeHtml(key), escapeHtml(value)], [false, true])),
    '</table>',
    `<footer>${escapeHtml(input.footer)}</footer>`,
    '</body></html>',
    '',
  ].join('\n');
}
