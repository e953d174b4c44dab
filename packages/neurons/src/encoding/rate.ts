import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError, createRng, uniformTensor } from '@plasticity/core-tensors';
import type { Rng } from '@plasticity/core-tensors';

export interface RateEncodeOptions {
  /** Time steps T. */
  readonly steps: number;
  /** Seed, or a generator to draw from (default seed 0). Same seed ⇒ same spikes on every backend. */
  readonly rng?: Rng | number;
  /** Spike probability per step is `clip(gain·intensity, 0, 1)` (default 1). */
  readonly gain?: number;
}

/**
 * Rate (Poisson/Bernoulli) coding, like snnTorch's `spikegen.rate`: `intensities [B, ...]` in
 * [0, 1] → spikes `[T, B, ...]` where each step fires independently with probability
 * `gain·intensity` (clipped to [0, 1]). The uniforms are drawn on the host from the seeded RNG.
 */
export function rateEncode(intensities: tf.Tensor, options: RateEncodeOptions): tf.Tensor {
  const { steps, gain = 1 } = options;
  if (!(Number.isInteger(steps) && steps > 0)) {
    throw new PlasticityError('E_CONFIG', `rateEncode: steps must be a whole number > 0, got ${steps}`, {
      field: 'steps',
    });
  }
  if (!(Number.isFinite(gain) && gain >= 0)) {
    throw new PlasticityError('E_CONFIG', `rateEncode: gain must be a finite number ≥ 0, got ${gain}`, {
      field: 'gain',
    });
  }
  const rng = typeof options.rng === 'object' ? options.rng : createRng(options.rng ?? 0);
  return tf.tidy(() => {
    const p = tf.clipByValue(tf.mul(intensities, gain), 0, 1);
    const u = uniformTensor(rng, [steps, ...intensities.shape]);
    return tf.cast(tf.less(u, p), 'float32');
  });
}
