import * as tf from '@tensorflow/tfjs-core';

/** The depression gate's shape: a steep sigmoid rescaled so that q(0) = 0 and q(1) = 1. */
export interface GateShape {
  readonly threshold: number;
  readonly width: number;
}

function gateEnds({ threshold, width }: GateShape): { slope: number; low: number; high: number } {
  const slope = 2 / width;
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-slope * (v - threshold)));
  return { slope, low: sigmoid(0), high: sigmoid(1) };
}

/** q_dep(x) on the host, for one number (tests and documentation). */
export function depressionGateValue(x: number, shape: GateShape): number {
  const { slope, low, high } = gateEnds(shape);
  const clamped = Math.min(1, Math.max(0, x));
  return (1 / (1 + Math.exp(-slope * (clamped - shape.threshold))) - low) / (high - low);
}

/** q_dep elementwise: 0 for silent inputs, ≈ 1 for any input clearly above the threshold. */
export function depressionGate(x: tf.Tensor, shape: GateShape): tf.Tensor {
  const { slope, low, high } = gateEnds(shape);
  return tf.tidy(() =>
    tf.div(
      tf.sub(tf.sigmoid(tf.mul(tf.sub(tf.clipByValue(x, 0, 1), shape.threshold), slope)), low),
      high - low,
    ),
  );
}

/** One layer's inputs to a BTSP update: post-synaptic plateaus and pre-synaptic eligibility. */
export interface BtspEvents {
  /** `[B, post]`: positive (potentiating), negative (error-driven depression) or 0 (no plateau). */
  readonly plateau: tf.Tensor2D;
  /** `[B, pre]`: presynaptic activity clamped to [0, 1]. */
  readonly eligibility: tf.Tensor2D;
}

export interface BtspUpdateOptions {
  readonly weightMax: number;
  readonly gate: GateShape;
  /** γ: weight of the cross terms between consecutive samples (0 = none). */
  readonly discount: number;
  /**
   * `[1, post]` and `[1, pre]`: the positive plateau and eligibility of the sample before the
   * batch's first (zeros at the start). Sample b's predecessor is sample b − 1 of the batch.
   */
  readonly previousPlateau?: tf.Tensor2D;
  readonly previousEligibility?: tf.Tensor2D;
}

/** Rows shifted down by one, `first` in row 0: each sample's predecessor. */
function predecessors(rows: tf.Tensor2D, first: tf.Tensor2D): tf.Tensor2D {
  const size = rows.shape[0];
  return tf.concat([first, tf.slice(rows, [0, 0], [size - 1, -1])], 0);
}

/**
 * The BTSP weight change ΔW `[post, pre]` summed over a batch (not yet scaled by the learning
 * rate), for weights `W` `[post, pre]`:
 *   for a positive plateau P: P·((wmax − W)·ET − W·q_dep(ET)) (potentiation towards a
 *   weight-dependent ceiling where the input is active, depression where it is active too much);
 *   for a negative plateau P: P·ET (depression in proportion to the input);
 * plus γ times the same positive terms between each sample and its predecessor (previous ET
 * with this plateau, previous plateau with this ET). Units without a plateau keep their weights.
 */
export function btspDelta(weights: tf.Tensor2D, events: BtspEvents, options: BtspUpdateOptions): tf.Tensor2D {
  return tf.tidy(() => {
    const { plateau, eligibility } = events;
    const positive = tf.relu(plateau);
    const negative = tf.minimum(plateau, 0);
    // Σ_b P+_b ⊗ ET_b and Σ_b P+_b ⊗ q(ET_b): the weight dependence factors out of the batch sum.
    // With γ > 0 the pairs with the predecessor sample join the same sums, so the sample terms
    // are stacked along the batch axis and each sum is one matmul (fewer, larger kernels: the
    // update dominated the step time on wasm with seven K = batch matmuls per layer).
    let left: tf.Tensor2D = positive;
    let right: tf.Tensor2D = eligibility;
    const gamma = options.discount;
    if (gamma > 0) {
      const post = plateau.shape[1];
      const pre = eligibility.shape[1];
      const lastPlateau = options.previousPlateau ?? tf.zeros([1, post]);
      const lastEligibility = options.previousEligibility ?? tf.zeros([1, pre]);
      const earlierEligibility = tf.mul(predecessors(eligibility, lastEligibility as tf.Tensor2D), gamma);
      const earlierPlateau = predecessors(positive, lastPlateau as tf.Tensor2D);
      const discounted = tf.mul(eligibility, gamma);
      left = tf.concat([positive, positive, earlierPlateau], 0);
      right = tf.concat([eligibility, earlierEligibility, discounted], 0) as tf.Tensor2D;
    }
    const potentiation = tf.matMul(left, right, true, false);
    const depression = tf.matMul(left, depressionGate(right, options.gate), true, false);
    const room = tf.sub(options.weightMax, weights);
    return tf.addN([
      tf.mul(room, potentiation),
      tf.neg(tf.mul(weights, depression)),
      tf.matMul(negative, eligibility, true, false),
    ]) as tf.Tensor2D;
  });
}

/** W + lr·ΔW, clamped to [0, wmax]. */
export function applyDelta(
  weights: tf.Tensor2D,
  delta: tf.Tensor2D,
  rate: number,
  weightMax: number,
): tf.Tensor2D {
  return tf.tidy(() => tf.clipByValue(tf.add(weights, tf.mul(delta, rate)), 0, weightMax));
}

/**
 * The Hebbian baseline: W + lr·Σ_b post_b ⊗ pre_b, each unit's weights then rescaled to the
 * summed weight `norms` `[post, 1]` it had at initialisation, and clamped to [0, wmax].
 */
export function hebbianStep(
  weights: tf.Tensor2D,
  post: tf.Tensor2D,
  pre: tf.Tensor2D,
  norms: tf.Tensor2D,
  rate: number,
  weightMax: number,
): tf.Tensor2D {
  return tf.tidy(() => {
    const grown = tf.add(weights, tf.mul(tf.matMul(post, pre, true, false), rate));
    const scaled = tf.mul(grown, tf.div(norms, tf.maximum(tf.sum(grown, 1, true), 1e-12)));
    return tf.clipByValue(scaled, 0, weightMax) as tf.Tensor2D;
  });
}
