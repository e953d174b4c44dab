export interface PlateauOptions {
  /** Largest number of units that plateau per sample, for each sign. */
  readonly count: number;
  /**
   * Stochastic selection: one uniform in [0, 1) per unit; a unit is a candidate only when its
   * uniform is below |signal|. Without it every active unit with a signal is a candidate.
   */
  readonly uniforms?: Float32Array;
}

/**
 * Plateaus of a hidden layer for one sample, from its dendritic signal (already clamped to
 * [−1, 1]): only units active in the forward pass can plateau, and of those the `count` with
 * the strongest positive and the `count` with the strongest negative signal do (ties broken by
 * the lower index); the plateau's value is the signal. Others get 0. Writes into `plateaus`.
 */
export function selectPlateaus(
  signal: Float32Array,
  rates: Float32Array,
  options: PlateauOptions,
  plateaus: Float32Array,
): void {
  plateaus.fill(0);
  const positive: number[] = [];
  const negative: number[] = [];
  const { uniforms } = options;
  for (let j = 0; j < signal.length; j++) {
    const s = signal[j];
    if (rates[j] <= 0 || s === 0) continue;
    if (uniforms && !(uniforms[j] < Math.abs(s))) continue;
    (s > 0 ? positive : negative).push(j);
  }
  const strongestFirst = (a: number, b: number) => Math.abs(signal[b]) - Math.abs(signal[a]) || a - b;
  for (const list of [positive, negative]) {
    if (list.length > options.count) list.sort(strongestFirst);
    for (let n = 0; n < Math.min(options.count, list.length); n++) plateaus[list[n]] = signal[list[n]];
  }
}
