/** Time-to-first-spike loss constants (Göltz et al. / Wunderlich & Pehle's Yin-Yang setup). */
export interface TtfsLossOptions {
  /** Softmax temperature τ0 on −t, ms. */
  readonly tau0: number;
  /** Time constant τ1 of the early-spike term, ms. */
  readonly tau1: number;
  /** Weight α of the early-spike term `α·(e^(t_label/τ1) − 1)`. */
  readonly alpha: number;
  /**
   * Weight β of `β·(ϑ − max_t V_label)`, added when the label's output neuron stays silent
   * (its spike time, and so the main loss, has no gradient then); 0 = off.
   */
  readonly silentPush: number;
}

/**
 * Cross-entropy of `softmax(scores)` against `label`; writes ∂L/∂scores (softmax − one-hot)
 * to `dScores` and returns the loss (natural log).
 */
export function softmaxCrossEntropy(scores: Float64Array, label: number, dScores: Float64Array): number {
  let max = -Infinity;
  for (let k = 0; k < scores.length; k++) max = Math.max(max, scores[k]);
  let sum = 0;
  for (let k = 0; k < scores.length; k++) {
    dScores[k] = Math.exp(scores[k] - max);
    sum += dScores[k];
  }
  for (let k = 0; k < scores.length; k++) dScores[k] /= sum;
  const loss = Math.log(sum) + max - scores[label];
  dScores[label] -= 1;
  return loss;
}

/**
 * TTFS loss of one sample, `−log softmax(−t/τ0)_label + α·(e^(t_label/τ1) − 1)`, over output
 * first-spike times `times` (ms, Infinity = silent). A silent output counts as spiking at
 * `silentTime` in the loss value but gets no gradient (its spike time does not exist).
 * Writes ∂L/∂t_k to `dTimes` (using `scratch` for the scores) and returns the loss.
 */
export function ttfsLoss(
  times: Float64Array,
  label: number,
  options: TtfsLossOptions,
  silentTime: number,
  dTimes: Float64Array,
  scratch: Float64Array,
): number {
  const { tau0, tau1, alpha } = options;
  for (let k = 0; k < times.length; k++) scratch[k] = -Math.min(times[k], silentTime) / tau0;
  let loss = softmaxCrossEntropy(scratch, label, dTimes);
  // d/dt of the scores is −1/τ0.
  for (let k = 0; k < times.length; k++) dTimes[k] = Number.isFinite(times[k]) ? -dTimes[k] / tau0 : 0;
  const t = Math.min(times[label], silentTime);
  const early = Math.exp(t / tau1);
  loss += alpha * (early - 1);
  if (Number.isFinite(times[label])) dTimes[label] += (alpha * early) / tau1;
  return loss;
}
