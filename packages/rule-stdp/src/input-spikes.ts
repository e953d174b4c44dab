import { PlasticityError } from '@plasticity/core-tensors';
import type { Rng } from '@plasticity/core-tensors';

/**
 * Input spikes as events: for sample b at step t, the inputs that fire are
 * `indices[offsets[b·steps + t] … offsets[b·steps + t + 1])`.
 */
export interface InputSpikes {
  readonly batch: number;
  readonly steps: number;
  readonly inputs: number;
  readonly offsets: Int32Array;
  readonly indices: Int32Array;
}

/**
 * Bernoulli rate code: input i of sample b fires at each step with probability
 * `min(rate·x[b, i], 1)`; an intensity outside [0, 1] is an `E_DATA_FORMAT` error naming it.
 * Only inputs with a nonzero probability draw (MNIST is mostly background), sample by sample,
 * in order, so the same `rng` gives the same spikes everywhere.
 */
export function rateSpikes(
  intensities: Float32Array,
  batch: number,
  steps: number,
  rate: number,
  rng: Rng,
): InputSpikes {
  const inputs = intensities.length / batch;
  const offsets = new Int32Array(batch * steps + 1);
  let indices = new Int32Array(1024);
  let count = 0;
  for (let b = 0; b < batch; b++) {
    const active: number[] = [];
    const odds: number[] = [];
    for (let i = 0; i < inputs; i++) {
      const x = intensities[b * inputs + i];
      if (!(x >= 0 && x <= 1)) {
        throw new PlasticityError(
          'E_DATA_FORMAT',
          `stdp rate-codes intensities in [0, 1]; feature ${i} of sample ${b} is ${x}`,
          { field: 'x', sample: b, feature: i, value: x },
        );
      }
      const p = Math.min(1, rate * x);
      if (p > 0) {
        active.push(i);
        odds.push(p);
      }
    }
    const u = rng.uniformArray(steps * active.length);
    for (let t = 0; t < steps; t++) {
      for (let k = 0; k < active.length; k++) {
        if (u[t * active.length + k] >= odds[k]) continue;
        if (count === indices.length) {
          const grown = new Int32Array(count * 2);
          grown.set(indices);
          indices = grown;
        }
        indices[count++] = active[k];
      }
      offsets[b * steps + t + 1] = count;
    }
  }
  return { batch, steps, inputs, offsets, indices: indices.subarray(0, count) };
}
