import type { Inspection, LayerRaster } from '@plasticity/core-tensors';
import { escapeHtml } from './escape.js';
import { COLOURS, MARGIN, formatTick, niceStep, svgOpen, ticks } from './svg-chart.js';

/**
 * Firing rate of each neuron of a layer in Hz (spikes per second of simulated time), averaged
 * over the inspected samples: the unit of the rules' `hiddenRate` metric.
 */
export function neuronRates(layer: LayerRaster, duration: number): Float64Array {
  const counts = new Float64Array(layer.size);
  for (const events of layer.samples) for (const unit of events.units) counts[unit] += 1;
  const seconds = (layer.samples.length * duration) / 1000;
  return counts.map((count) => (seconds > 0 ? count / seconds : 0));
}

export interface HistogramOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly values: ArrayLike<number>;
  readonly width?: number;
  readonly height?: number;
}

/** An SVG histogram of `values` over about 15 round-width bins from 0 (one bar per bin). */
export function histogramChart(options: HistogramOptions): string {
  const width = options.width ?? 420;
  const height = options.height ?? 260;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const values = Array.from(options.values).filter(Number.isFinite);
  const top = Math.max(0, ...values);
  const binWidth = top > 0 ? niceStep(top, 15) : 1;
  // The last bin holds the largest value (bins are [lo, hi)).
  const binCount = Math.floor(top / binWidth) + 1;
  const counts = new Array<number>(binCount).fill(0);
  for (const v of values) counts[Math.min(binCount - 1, Math.floor(Math.max(v, 0) / binWidth))] += 1;
  const xMax = binCount * binWidth;
  const yMax = Math.max(1, ...counts);
  const sx = (x: number): number => MARGIN.left + (x / xMax) * plotW;
  const sy = (y: number): number => MARGIN.top + (1 - y / yMax) * plotH;
  const f = (v: number): string => v.toFixed(1);
  const parts = [
    svgOpen(width, height, options.title),
    `<text x="${width / 2}" y="18" text-anchor="middle" class="title">${escapeHtml(options.title)}</text>`,
  ];
  for (const t of ticks(0, yMax, 4).filter(Number.isInteger)) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${f(sy(t))}" y2="${f(sy(t))}" class="grid"/>`,
      `<text x="${MARGIN.left - 6}" y="${f(sy(t) + 4)}" text-anchor="end" class="tick">${t}</text>`,
    );
  }
  for (const t of ticks(0, xMax, 6)) {
    parts.push(
      `<text x="${f(sx(t))}" y="${height - MARGIN.bottom + 16}" text-anchor="middle" class="tick">${formatTick(t)}</text>`,
    );
  }
  parts.push(`<g class="bars" fill="${COLOURS[0]}">`);
  counts.forEach((count, i) => {
    if (count === 0) return;
    const x0 = sx(i * binWidth);
    parts.push(
      `<rect class="bar" data-count="${count}" x="${f(x0 + 0.5)}" y="${f(sy(count))}" width="${f(Math.max(1, sx((i + 1) * binWidth) - x0 - 1))}" height="${f(sy(0) - sy(count))}"/>`,
    );
  });
  parts.push(
    '</g>',
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" class="frame"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${height - 6}" text-anchor="middle" class="label">${escapeHtml(options.xLabel)}</text>`,
    `<text x="14" y="${MARGIN.top + plotH / 2}" text-anchor="middle" class="label" transform="rotate(-90 14 ${MARGIN.top + plotH / 2})">${escapeHtml(options.yLabel)}</text>`,
    '</svg>',
  );
  return parts.join('\n');
}

/**
 * One firing-rate histogram per spiking layer after the input (hidden layers, and the output
 * when it spikes): how the layer's neurons share the activity over the inspected test samples.
 */
export function rateHistograms(inspection: Inspection): string[] {
  return inspection.layers.slice(1).map((layer) => {
    const rates = neuronRates(layer, inspection.duration);
    const silent = rates.filter((r) => r === 0).length;
    const mean = rates.reduce((a, b) => a + b, 0) / Math.max(1, rates.length);
    return histogramChart({
      title: `${layer.name}: ${layer.size} neurons, ${silent} silent, mean ${formatTick(Number(mean.toPrecision(3)))} Hz`,
      xLabel: `firing rate (Hz), over ${layer.samples.length} test samples`,
      yLabel: 'neurons',
      values: rates,
    });
  });
}
