/** The depression gate's shape: a steep sigmoid rescaled so that q(0) = 0 and q(1) = 1. */
export interface GateShape {
  readonly threshold: number;
  readonly width: number;
}

/** q_dep as a function: 0 for a silent input, ≈ 1 for any input clearly above the threshold. */
export function depressionGate({ threshold, width }: GateShape): (x: number) => number {
  const slope = 2 / width;
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-slope * (v - threshold)));
  const low = sigmoid(0);
  const high = sigmoid(1);
  return (x) => (sigmoid(Math.min(1, Math.max(0, x))) - low) / (high - low);
}

/** The pre-synaptic side of one layer's update for one sample. */
export interface Eligibility {
  /** ET = clamp(pre-synaptic rate, 0, 1) of this sample. */
  readonly current: Float32Array;
  /** ET of the previous sample (zeros at the start). */
  readonly previous: Float32Array;
  /** q_dep(ET), q_dep(γ·ET_previous) and q_dep(γ·ET): the gate of each term. */
  readonly gateCurrent: Float32Array;
  readonly gatePrevious: Float32Array;
  readonly gateCurrentDiscounted: Float32Array;
}

/** Fills the gates of `eligibility` for discount γ. */
export function gateEligibility(
  eligibility: Eligibility,
  gate: (x: number) => number,
  discount: number,
): void {
  const { current, previous } = eligibility;
  for (let i = 0; i < current.length; i++) {
    eligibility.gateCurrent[i] = current[i] > 0 ? gate(current[i]) : 0;
    eligibility.gatePrevious[i] = previous[i] > 0 ? gate(discount * previous[i]) : 0;
    eligibility.gateCurrentDiscounted[i] = current[i] > 0 ? gate(discount * current[i]) : 0;
  }
}

/**
 * The BTSP update of one unit's weights `w` (one row, modified in place), clamped to [0, wmax]:
 *   ΔW = lr·[ P+·((wmax − W)·ET − W·q(ET))                      this plateau, this sample
 *           + P+·((wmax − W)·γET′ − W·q(γET′))                  this plateau, previous sample
 *           + P′+·((wmax − W)·γET − W·q(γET))                   previous plateau, this sample
 *           + P−·ET ]                                          a negative plateau depresses
 * with P+ = max(P, 0), P− = min(P, 0), P′+ the unit's positive plateau of the previous sample and
 * ET′ the previous eligibility. A positive plateau pulls the weights of active inputs towards the
 * ceiling wmax·ET/(ET + q(ET)); inputs silent in both samples keep their weights.
 */
export function btspRowUpdate(
  w: Float32Array,
  plateau: number,
  previousPlateau: number,
  eligibility: Eligibility,
  discount: number,
  rate: number,
  weightMax: number,
): void {
  const positive = Math.max(plateau, 0);
  const negative = Math.min(plateau, 0);
  const earlier = Math.max(previousPlateau, 0);
  const { current, previous, gateCurrent, gatePrevious, gateCurrentDiscounted } = eligibility;
  for (let i = 0; i < w.length; i++) {
    const et = current[i];
    const before = discount * previous[i];
    if (et === 0 && before === 0) continue;
    const weight = w[i];
    const room = weightMax - weight;
    let delta = negative * et;
    if (positive > 0)
      delta += positive * (room * (et + before) - weight * (gateCurrent[i] + gatePrevious[i]));
    if (earlier > 0) delta += earlier * (room * discount * et - weight * gateCurrentDiscounted[i]);
    const next = weight + rate * delta;
    w[i] = next < 0 ? 0 : next > weightMax ? weightMax : next;
  }
}

/**
 * The Hebbian baseline for one unit: competitive learning (Rumelhart & Zipser 1985), a Hebbian
 * step towards the input pattern scaled to the unit's summed weight `total`,
 * `w += lr·post·(total·pre/Σpre − w)`, clamped to [0, wmax]. The summed weight stays `total`.
 */
export function hebbianRowUpdate(
  w: Float32Array,
  post: number,
  pre: Float32Array,
  total: number,
  rate: number,
  weightMax: number,
): void {
  let sum = 0;
  for (let i = 0; i < pre.length; i++) sum += pre[i];
  if (sum <= 0) return;
  const step = rate * post;
  const scale = total / sum;
  for (let i = 0; i < w.length; i++) {
    const next = w[i] + step * (scale * pre[i] - w[i]);
    w[i] = next > weightMax ? weightMax : next < 0 ? 0 : next;
  }
}

/**
 * Synaptic scaling of one unit: its weights are multiplied so that they sum to `total` again
 * (then clamped to wmax). A unit whose weights are all 0 stays silent.
 */
export function scaleRow(w: Float32Array, total: number, weightMax: number): void {
  let sum = 0;
  for (let i = 0; i < w.length; i++) sum += w[i];
  if (sum <= 0) return;
  const factor = total / sum;
  for (let i = 0; i < w.length; i++) w[i] = Math.min(weightMax, w[i] * factor);
}
