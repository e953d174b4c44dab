// Float64 reference of supervised Forward-Forward on the host, written from the equations
// (label overwrites the first C features, rows normalised before every layer, per-layer
// softplus loss), independent of the rule's batched tensor code.

export type Matrix = number[][];

export interface ReferenceNet {
  kernels: Matrix[]; // [in][out]
  biases: number[][];
}

export interface ReferenceOptions {
  classes: number;
  strength: number;
  normalization: 'rms' | 'length';
  goodness: 'sum' | 'mean';
  thresholds: number[];
  temperature: number;
}

const softplus = (v: number) => (v > 30 ? v : Math.log1p(Math.exp(v)));

export function normalize(row: number[], kind: 'rms' | 'length'): number[] {
  const power = row.reduce((a, v) => a + v * v, 0) / (kind === 'rms' ? row.length : 1);
  const norm = Math.sqrt(power) + 1e-8;
  return row.map((v) => v / norm);
}

/** The input row with label code `code` (length C) written over its first C features. */
export function withLabel(x: number[], code: number[]): number[] {
  return [...code, ...x.slice(code.length)];
}

export const oneHot = (label: number, classes: number, strength: number): number[] =>
  Array.from({ length: classes }, (_, c) => (c === label ? strength : 0));

/** ReLU activities of every layer for one input row (already labelled). */
export function activities(net: ReferenceNet, row: number[], kind: 'rms' | 'length'): number[][] {
  const out: number[][] = [];
  let input = normalize(row, kind);
  net.kernels.forEach((kernel, l) => {
    const h = net.biases[l].map((b, j) =>
      Math.max(0, b + input.reduce((a, v, i) => a + v * kernel[i][j], 0)),
    );
    out.push(h);
    input = normalize(h, kind);
  });
  return out;
}

export function goodnessOf(h: number[], kind: 'sum' | 'mean'): number {
  const s = h.reduce((a, v) => a + v * v, 0);
  return kind === 'sum' ? s : s / h.length;
}

/** Layer `l`'s loss, mean over samples, for positive rows and negative rows. */
export function layerLoss(
  net: ReferenceNet,
  positives: number[][],
  negatives: number[][],
  l: number,
  o: ReferenceOptions,
): number {
  let total = 0;
  positives.forEach((row, b) => {
    const gPos = goodnessOf(activities(net, row, o.normalization)[l], o.goodness);
    const gNeg = goodnessOf(activities(net, negatives[b], o.normalization)[l], o.goodness);
    total +=
      softplus((o.thresholds[l] - gPos) / o.temperature) + softplus((gNeg - o.thresholds[l]) / o.temperature);
  });
  return total / positives.length;
}

/** Central finite differences of `f` with respect to every entry of `values` (restored after). */
export function finiteDifferences(values: number[][] | number[], f: () => number, h = 1e-6): number[] {
  const grads: number[] = [];
  const rows = (Array.isArray(values[0]) ? values : [values]) as number[][];
  for (const row of rows) {
    for (let k = 0; k < row.length; k++) {
      const keep = row[k];
      row[k] = keep + h;
      const up = f();
      row[k] = keep - h;
      const down = f();
      row[k] = keep;
      grads.push((up - down) / (2 * h));
    }
  }
  return grads;
}
