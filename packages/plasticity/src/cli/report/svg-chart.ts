import { escapeHtml } from './escape.js';

/** One named line of a chart: `[x, y]` points; non-finite y values leave a gap. */
export interface ChartSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  /** Overrides the chart's `markers` for this series (off for a dense per-step line). */
  readonly markers?: boolean;
  /** Drawn dashed: a reference (measured data, a closed form) beside the model's curves. */
  readonly dashed?: boolean;
  /** Palette index (default: the series' position), so a reference can share its model's colour. */
  readonly colour?: number;
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  /** Fixed y range (accuracy: [0, 1]); otherwise taken from the data. */
  readonly yRange?: readonly [number, number];
  /** Where the legend goes: away from where the curves usually end (default top-right). */
  readonly legend?: 'top-right' | 'bottom-right';
  readonly width?: number;
  readonly height?: number;
  /** Dots on every point (default true: per-epoch curves); off for dense traces. */
  readonly markers?: boolean;
  /** A dashed vertical line at `x` with a short label (the best epoch). */
  readonly mark?: { readonly x: number; readonly label: string };
  /** Logarithmic x axis (points with x <= 0 are left out), ticks at powers of ten. */
  readonly logX?: boolean;
}

// Colour-blind-safe palette (Okabe–Ito).
export const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
export const MARGIN = { left: 56, right: 16, top: 28, bottom: 40 };

/** Round axis steps: 1, 2 or 5 times a power of ten, about `count` of them over `span`. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

export function ticks(lo: number, hi: number, count: number): number[] {
  const step = niceStep(hi - lo, count);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return out;
}

/**
 * Ticks of a log axis, as log10 values in [lo, hi]: powers of ten, or 1-2-5 steps when the
 * range spans less than a few decades, or evenly spaced values within one decade.
 */
export function logTicks(lo: number, hi: number): number[] {
  const inRange = (mantissas: number[]): number[] => {
    const out: number[] = [];
    for (let k = Math.floor(lo); k <= Math.ceil(hi); k++)
      for (const m of mantissas) {
        const t = k + Math.log10(m);
        if (t >= lo - 1e-9 && t <= hi + 1e-9) out.push(t);
      }
    return out;
  };
  const decades = inRange([1]);
  if (decades.length >= 3) return decades;
  const steps = inRange([1, 2, 5]);
  if (steps.length >= 3) return steps;
  return ticks(10 ** lo, 10 ** hi, 5)
    .filter((v) => v > 0)
    .map(Math.log10);
}

export function formatTick(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

/** The opening tag every chart shares (`class="chart"`: what the report's checks look for). */
export function svgOpen(width: number, height: number, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}">`;
}

/** A self-contained SVG line chart (no scripts, no external assets). */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 520;
  const height = options.height ?? 300;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  // On a log axis the chart works in log10(x) and labels ticks with 10^t.
  const toX = (x: number): number => (options.logX ? (x > 0 ? Math.log10(x) : Number.NaN) : x);
  const finite = options.series.flatMap((s) =>
    s.points
      .map(([x, y]) => [toX(x), y] as const)
      .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)),
  );
  const xs = finite.map(([x]) => x);
  const ys = finite.map(([, y]) => y);
  let [xMin, xMax] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  let [yMin, yMax] = options.yRange ?? (ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1]);
  if (xMax === xMin) [xMin, xMax] = [xMin - 1, xMax + 1];
  if (yMax === yMin) [yMin, yMax] = [yMin - 0.5, yMax + 0.5];
  if (!options.yRange) {
    const pad = (yMax - yMin) * 0.05;
    [yMin, yMax] = [yMin - pad, yMax + pad];
  }
  const sx = (x: number): number => MARGIN.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const sy = (y: number): number => MARGIN.top + (1 - (y - yMin) / (yMax - yMin)) * plotH;
  const f = (v: number): string => v.toFixed(1);

  const parts: string[] = [];
  parts.push(
    svgOpen(width, height, options.title),
    `<text x="${width / 2}" y="18" text-anchor="middle" class="title">${escapeHtml(options.title)}</text>`,
  );
  // Grid and axes.
  for (const t of ticks(yMin, yMax, 5)) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${f(sy(t))}" y2="${f(sy(t))}" class="grid"/>`,
      `<text x="${MARGIN.left - 6}" y="${f(sy(t) + 4)}" text-anchor="end" class="tick">${formatTick(t)}</text>`,
    );
  }
  const xTicks = options.logX
    ? logTicks(xMin, xMax)
    : ticks(xMin, xMax, 8).filter((t) => xs.length === 0 || Number.isInteger(t) || xMax - xMin < 4);
  for (const t of xTicks) {
    parts.push(
      `<text x="${f(sx(t))}" y="${height - MARGIN.bottom + 16}" text-anchor="middle" class="tick">${formatTick(options.logX ? Number((10 ** t).toPrecision(6)) : t)}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" class="frame"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${height - 6}" text-anchor="middle" class="label">${escapeHtml(options.xLabel)}</text>`,
    `<text x="14" y="${MARGIN.top + plotH / 2}" text-anchor="middle" class="label" transform="rotate(-90 14 ${MARGIN.top + plotH / 2})">${escapeHtml(options.yLabel)}</text>`,
  );
  if (options.mark && Number.isFinite(options.mark.x)) {
    const x = f(sx(options.mark.x));
    const right = sx(options.mark.x) > MARGIN.left + plotW / 2;
    parts.push(
      `<g class="mark" data-x="${options.mark.x}">`,
      `<line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#555" stroke-dasharray="4 3"/>`,
      // Label inside the plot, on the side of the line with more room.
      `<text x="${f(sx(options.mark.x) + (right ? -4 : 4))}" y="${MARGIN.top + plotH - 6}" text-anchor="${right ? 'end' : 'start'}" class="tick">${escapeHtml(options.mark.label)}</text>`,
      '</g>',
    );
  }
  const longestName = Math.max(0, ...options.series.map((series) => series.name.length));
  // Lines: one polyline per run of finite points, plus markers (a single epoch still shows).
  options.series.forEach((series, i) => {
    const colour = COLOURS[(series.colour ?? i) % COLOURS.length];
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
    const runs: string[][] = [[]];
    for (const [rawX, y] of series.points) {
      const x = toX(rawX);
      if (Number.isFinite(x) && Number.isFinite(y)) runs[runs.length - 1].push(`${f(sx(x))},${f(sy(y))}`);
      else if (runs[runs.length - 1].length) runs.push([]);
    }
    parts.push(
      `<g class="series" data-name="${escapeHtml(series.name)}" stroke="${colour}" fill="${colour}">`,
    );
    for (const run of runs.filter((r) => r.length > 0)) {
      parts.push(`<polyline points="${run.join(' ')}" fill="none" stroke-width="2"${dash}/>`);
      for (const point of (series.markers ?? options.markers) === false ? [] : run) {
        const [cx, cy] = point.split(',');
        parts.push(`<circle cx="${cx}" cy="${cy}" r="2.5"/>`);
      }
    }
    parts.push('</g>');
    const ly =
      options.legend === 'bottom-right'
        ? MARGIN.top + plotH - 8 - (options.series.length - 1 - i) * 16
        : MARGIN.top + 14 + i * 16;
    // Room for the longest name (about 6.5 px a character at 11 px).
    const lx = width - MARGIN.right - Math.max(120, 30 + 6.5 * longestName);
    parts.push(
      `<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"${dash}/>`,
      `<text x="${lx + 24}" y="${ly}" class="legend">${escapeHtml(series.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
