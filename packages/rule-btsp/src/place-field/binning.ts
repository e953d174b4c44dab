import type { KernelSample } from './data.js';

/** Time-from-plateau × initial-ramp bins: `[edge_k, edge_k+1)`; the outer ramp bins are open. */
export interface KernelBins {
  /** Time edges (s), increasing; samples outside are left out. */
  readonly timeEdges: readonly number[];
  /** Inner initial-ramp edges (mV): bins (-inf, e0), [e0, e1), ..., [e_last, inf). */
  readonly rampEdges: readonly number[];
}

/** 1 s time bins over ±4 s (the model's track spans ±3.74 s); ramp bins < 2, 2–5, 5–8, ≥ 8 mV. */
export const DEFAULT_KERNEL_BINS: KernelBins = Object.freeze({
  timeEdges: Object.freeze([-4, -3, -2, -1, 0, 1, 2, 3, 4]),
  rampEdges: Object.freeze([2, 5, 8]),
});

/** Mean delta ramp and sample count per bin: `mean[rampBin][timeBin]` (NaN where empty). */
export interface KernelTable {
  readonly bins: KernelBins;
  readonly mean: readonly Float64Array[];
  readonly count: readonly Float64Array[];
}

function binOf(value: number, edges: readonly number[]): number {
  let k = 0;
  while (k < edges.length && value >= edges[k]) k++;
  return k;
}

export function binKernel(samples: readonly KernelSample[], bins: KernelBins): KernelTable {
  const timeBins = bins.timeEdges.length - 1;
  const rampBins = bins.rampEdges.length + 1;
  const sum = Array.from({ length: rampBins }, () => new Float64Array(timeBins));
  const count = Array.from({ length: rampBins }, () => new Float64Array(timeBins));
  const first = bins.timeEdges[0];
  const last = bins.timeEdges[timeBins];
  for (const s of samples) {
    if (!(s.t >= first && s.t < last)) continue;
    const time = binOf(s.t, bins.timeEdges) - 1;
    const ramp = binOf(s.initialRamp, bins.rampEdges);
    sum[ramp][time] += s.deltaRamp;
    count[ramp][time] += 1;
  }
  const mean = sum.map((row, r) => row.map((v, k) => (count[r][k] > 0 ? v / count[r][k] : NaN)));
  return { bins, mean, count };
}

/** Agreement of two tables over the bins where both have at least `minCount` samples. */
export interface KernelAgreement {
  readonly pearson: number;
  readonly rmsError: number;
  readonly binsCompared: number;
}

export function compareKernels(model: KernelTable, data: KernelTable, minCount: number): KernelAgreement {
  const a: number[] = [];
  const b: number[] = [];
  model.mean.forEach((row, r) =>
    row.forEach((v, k) => {
      if (model.count[r][k] >= minCount && data.count[r][k] >= minCount) {
        a.push(v);
        b.push(data.mean[r][k]);
      }
    }),
  );
  return { pearson: pearson(a, b), rmsError: rmsError(a, b), binsCompared: a.length };
}

export function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  if (n < 2) return NaN;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let k = 0; k < n; k++) {
    sab += (a[k] - ma) * (b[k] - mb);
    saa += (a[k] - ma) ** 2;
    sbb += (b[k] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

export function rmsError(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0) return NaN;
  return Math.sqrt(a.reduce((s, v, k) => s + (v - b[k]) ** 2, 0) / a.length);
}

/** Where the weight-dependence signature looks: near the plateau, at low and high initial ramps. */
export interface WeightDependenceBins {
  /** Bins passed within this time of plateau onset (s), either side. */
  readonly withinS: number;
  /** Low: initial ramp below this (mV). */
  readonly lowBelowMv: number;
  /** High: initial ramp at least this (mV). */
  readonly highFromMv: number;
}

export const DEFAULT_WEIGHT_DEPENDENCE_BINS: WeightDependenceBins = Object.freeze({
  withinS: 2,
  lowBelowMv: 2,
  highFromMv: 8,
});

/** Mean delta ramp (mV) of the low- and high-initial-ramp bins near the plateau. */
export interface WeightDependence {
  readonly lowMeanMv: number;
  readonly lowCount: number;
  readonly highMeanMv: number;
  readonly highCount: number;
}

/**
 * The weight-dependence signature: weakly depolarised bins near the plateau potentiate
 * (`lowMeanMv > 0`), strongly depolarised ones depress (`highMeanMv < 0`).
 */
export function weightDependence(
  samples: readonly KernelSample[],
  bins: WeightDependenceBins = DEFAULT_WEIGHT_DEPENDENCE_BINS,
): WeightDependence {
  let lowSum = 0;
  let lowCount = 0;
  let highSum = 0;
  let highCount = 0;
  for (const s of samples) {
    if (Math.abs(s.t) >= bins.withinS) continue;
    if (s.initialRamp < bins.lowBelowMv) {
      lowSum += s.deltaRamp;
      lowCount++;
    } else if (s.initialRamp >= bins.highFromMv) {
      highSum += s.deltaRamp;
      highCount++;
    }
  }
  return {
    lowMeanMv: lowCount > 0 ? lowSum / lowCount : NaN,
    lowCount,
    highMeanMv: highCount > 0 ? highSum / highCount : NaN,
    highCount,
  };
}
