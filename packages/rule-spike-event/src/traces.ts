import * as tf from '@tensorflow/tfjs-core';
import { binEvents } from '@plasticity/core-tensors';
import type { EventBatch } from '@plasticity/core-tensors';

/**
 * The decay matrix `D [T, T]` with `D[t, s] = e^{−(t−1−s)·dt/τ}` for s < t, else 0: row t of
 * `D · counts` is the trace at the start of bin t of the spikes in earlier bins.
 */
function decayMatrix(steps: number, dt: number, tau: number): tf.Tensor2D {
  const decay = Math.exp(-dt / tau);
  const values = new Float32Array(steps * steps);
  for (let t = 1; t < steps; t++) for (let s = 0; s < t; s++) values[t * steps + s] = decay ** (t - 1 - s);
  return tf.tensor2d(values, [steps, steps]);
}

/**
 * Exponential presynaptic traces of spike counts `[T, B, C]` (time-major, `dt` ms bins):
 * `x[t] = e^{−dt/τ} x[t−1] + counts[t−1]`, `x[0] = 0`, so bin t sees only spikes of earlier
 * bins (a unit's own bin is never its input: the prediction is of the next events).
 */
export function presynapticTraces(counts: tf.Tensor3D, dt: number, tau: number): tf.Tensor3D {
  const [steps, batch, channels] = counts.shape;
  return tf.tidy(() => {
    const flat = tf.reshape(counts, [steps, batch * channels]) as tf.Tensor2D;
    return tf.reshape(tf.matMul(decayMatrix(steps, dt, tau), flat), [steps, batch, channels]) as tf.Tensor3D;
  });
}

/** Spike counts `[T, B, C]` of an event batch on a `dt` grid covering its window, with their traces. */
export function binnedInputs(
  events: EventBatch,
  dt: number,
  tau: number,
): { counts: tf.Tensor3D; traces: tf.Tensor3D } {
  const counts = binEvents(events, { dt });
  return { counts, traces: presynapticTraces(counts, dt, tau) };
}

/** `Σ ln n!` over the bins of an event batch's counts on a `dt` grid: the data's constant in a Poisson log-likelihood. */
export function logFactorialSum(events: EventBatch, dt: number): number {
  let total = 0;
  for (let b = 0; b < events.size; b++) {
    const counts = new Map<number, number>();
    for (let k = events.offsets[b]; k < events.offsets[b + 1]; k++) {
      const key = Math.floor(events.times[k] / dt) * events.channels + events.units[k];
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      total += Math.log(n); // ln n! grows by ln n with the n-th spike
    }
  }
  return total;
}
