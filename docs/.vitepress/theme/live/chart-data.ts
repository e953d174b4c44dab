// Chart data as uPlot wants it (x ascending, one column per series), updated from the worker's
// `plot` and `show` messages. Pure: no DOM, so it is tested in Node.
import type { ChartSpec } from './protocol.js';

export interface ChartData {
  readonly x: number[];
  /** One column per `spec.series`, aligned with `x`; null where a series has no value. */
  readonly columns: (number | null)[][];
}

export function emptyChart(spec: ChartSpec): ChartData {
  return { x: [], columns: spec.series.map(() => []) };
}

/**
 * Sets the values at `x`: a new x is inserted in order, an existing one updated (two runs can
 * share an x axis, e.g. EventProp's and BPTT's epoch 1). Series not in `spec` are ignored.
 */
export function plotPoint(
  spec: ChartSpec,
  data: ChartData,
  x: number,
  values: Record<string, number>,
): ChartData {
  let at = data.x.findIndex((value) => value >= x);
  const exists = at >= 0 && data.x[at] === x;
  if (at < 0) at = data.x.length;
  const xs = [...data.x];
  const columns = data.columns.map((column) => [...column]);
  if (!exists) {
    xs.splice(at, 0, x);
    columns.forEach((column) => column.splice(at, 0, null));
  }
  spec.series.forEach((name, k) => {
    const value = values[name];
    if (typeof value === 'number' && Number.isFinite(value)) columns[k][at] = value;
  });
  return { x: xs, columns };
}

/** Replaces the data; `x` is already ascending (the worker's `show` sorts it). */
export function showData(spec: ChartSpec, x: number[], values: Record<string, (number | null)[]>): ChartData {
  return { x: [...x], columns: spec.series.map((name) => values[name] ?? x.map(() => null)) };
}

/** Points drawn: x values with at least one series value. */
export function pointCount(data: ChartData): number {
  return data.x.filter((_, i) => data.columns.some((column) => column[i] !== null)).length;
}
