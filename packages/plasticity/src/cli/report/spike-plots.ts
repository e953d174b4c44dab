import type { Inspection, LayerRaster, VoltageTraces } from '@plasticity/core-tensors';
import { escapeHtml } from './escape.js';
import { lineChart, svgOpen } from './svg-chart.js';
import type { ChartSeries } from './svg-chart.js';

const MARGIN = { left: 56, right: 16, top: 28, bottom: 40 };
const PANEL_GAP = 10;
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7'];

/** Pixel height of a layer's panel: more neurons get more room, within limits. */
function panelHeight(layer: LayerRaster): number {
  return Math.min(160, Math.max(40, layer.size * 0.6));
}

/**
 * A spike raster of one sample as SVG: one panel per layer (input at the bottom, as in most
 * papers), time in ms across, neuron index up; each spike is a short tick.
 */
export function rasterPlot(
  layers: readonly LayerRaster[],
  sample: number,
  duration: number,
  title: string,
): string {
  const width = 520;
  const plotW = width - MARGIN.left - MARGIN.right;
  const heights = layers.map(panelHeight);
  const height =
    MARGIN.top + MARGIN.bottom + heights.reduce((a, b) => a + b, 0) + PANEL_GAP * (layers.length - 1);
  const sx = (t: number): number => MARGIN.left + (Math.min(Math.max(t, 0), duration) / duration) * plotW;
  const f = (v: number): string => v.toFixed(1);
  const parts = [
    svgOpen(width, height, title),
    `<text x="${width / 2}" y="18" text-anchor="middle" class="title">${escapeHtml(title)}</text>`,
  ];
  // Top panel is the last layer (the output).
  let top = MARGIN.top;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    const h = heights[i];
    const events = layer.samples[sample];
    const colour = COLOURS[i % COLOURS.length];
    parts.push(
      `<g class="raster" data-layer="${escapeHtml(layer.name)}" data-spikes="${events ? events.times.length : 0}" stroke="${colour}">`,
      `<rect x="${MARGIN.left}" y="${top}" width="${plotW}" height="${h}" class="frame"/>`,
      `<text x="${MARGIN.left - 6}" y="${f(top + h / 2 + 4)}" text-anchor="end" class="tick">${escapeHtml(layer.name)}</text>`,
    );
    const row = h / Math.max(1, layer.size);
    const tick = Math.max(1, Math.min(6, row));
    if (events) {
      for (let k = 0; k < events.times.length; k++) {
        const x = sx(events.times[k]);
        const y = top + h - (events.units[k] + 0.5) * row;
        parts.push(`<line x1="${f(x)}" x2="${f(x)}" y1="${f(y - tick / 2)}" y2="${f(y + tick / 2)}"/>`);
      }
    }
    parts.push('</g>');
    top += h + PANEL_GAP;
  }
  const axisY = height - MARGIN.bottom;
  for (let k = 0; k <= 5; k++) {
    const t = (duration * k) / 5;
    parts.push(
      `<text x="${f(sx(t))}" y="${axisY + 16}" text-anchor="middle" class="tick">${Number(t.toPrecision(3))}</text>`,
    );
  }
  parts.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${height - 6}" text-anchor="middle" class="label">time (ms)</text>`,
    '</svg>',
  );
  return parts.join('\n');
}

/** Output voltage traces of one sample as a line chart, one line per output unit (and per target, for a regression). */
export function voltagePlot(
  traces: VoltageTraces,
  sample: number,
  title: string,
  unitNames?: readonly string[],
): string {
  const values = traces.samples[sample];
  const series: ChartSeries[] = [];
  for (let u = 0; u < traces.units; u++) {
    const points: [number, number][] = [];
    for (let s = 0; s < traces.steps; s++) points.push([s * traces.dt, values[s * traces.units + u]]);
    series.push({ name: unitNames?.[u] ?? `${traces.name} ${u}`, points });
  }
  const targets = traces.targets?.[sample];
  for (let u = 0; targets && u < traces.units; u++) {
    const points: [number, number][] = [];
    for (let s = 0; s < traces.steps; s++) points.push([s * traces.dt, targets[s * traces.units + u]]);
    series.push({ name: `target ${unitNames?.[u] ?? u}`, points });
  }
  return lineChart({ title, xLabel: 'time (ms)', yLabel: 'voltage', series, markers: false });
}

/** Raster and trace plots for the first `samples` inspected samples, as an HTML fragment. */
export function inspectionSection(
  inspection: Inspection,
  options: {
    readonly labels?: ArrayLike<number>;
    readonly classNames?: readonly string[];
    readonly samples?: number;
  } = {},
): string {
  const inspected = Math.max(0, ...inspection.layers.map((l) => l.samples.length));
  const count = Math.min(inspected, options.samples ?? inspected);
  const blocks: string[] = [];
  for (let b = 0; b < count; b++) {
    const label = options.labels?.[b];
    const name = label === undefined ? '' : ` (label ${options.classNames?.[label] ?? label})`;
    blocks.push(rasterPlot(inspection.layers, b, inspection.duration, `Spikes, sample ${b}${name}`));
    if (inspection.traces && b < inspection.traces.samples.length) {
      blocks.push(
        voltagePlot(inspection.traces, b, `Output voltage, sample ${b}${name}`, options.classNames),
      );
    }
  }
  return blocks.join('\n');
}

/**
 * Inspections of consecutive batches as one: each layer's and the traces' samples in order.
 * (Inspecting a few samples at a time keeps the learner's dense spike tensors small.)
 */
export function concatInspections(parts: readonly Inspection[]): Inspection {
  const [first] = parts;
  const traces = first.traces;
  return {
    duration: first.duration,
    layers: first.layers.map((layer, k) => ({
      ...layer,
      samples: parts.flatMap((part) => part.layers[k].samples),
    })),
    ...(traces
      ? {
          traces: {
            ...traces,
            samples: parts.flatMap((part) => part.traces?.samples ?? []),
            ...(traces.targets ? { targets: parts.flatMap((part) => part.traces?.targets ?? []) } : {}),
          },
        }
      : {}),
  };
}
