import type { SpikeEvents } from '../contract/task.js';
import { createRng } from '../rng/rng.js';

/**
 * Noisy XOR: `n` points in 4 clusters at (±1, ±1) with Gaussian noise σ = 0.25, label 1 where
 * the signs differ. Not linearly separable, so a rule that learns it uses its hidden layer.
 */
export function noisyXor(n: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.int(2);
    const b = rng.int(2);
    x[2 * i] = (a ? 1 : -1) + rng.normal(0, 0.25);
    x[2 * i + 1] = (b ? 1 : -1) + rng.normal(0, 0.25);
    y[i] = a ^ b;
  }
  return { x, y };
}

/**
 * Noisy XOR moved into the unit square, `(x + 2) / 4` clamped to [0, 1] (clusters at 0.25 and
 * 0.75), for rules whose encoders take rates or latencies in [0, 1]. Labels as `noisyXor`.
 */
export function unitNoisyXor(n: number, seed: number): { x: Float32Array; y: Int32Array } {
  const { x, y } = noisyXor(n, seed);
  return { x: x.map((v) => Math.min(1, Math.max(0, (v + 2) / 4))), y };
}

/**
 * Sweeps across `channels` event channels in `duration` ms: each channel spikes once, in rising
 * channel order for class 0 and falling order for class 1, each spike jittered by up to a third
 * of the gap between them. Event lists for rules on `events` tasks.
 */
export function eventSweeps(
  n: number,
  seed: number,
  channels: number,
  duration: number,
): { samples: SpikeEvents[]; y: Int32Array } {
  const rng = createRng(seed);
  const gap = duration / (channels + 1);
  const y = new Int32Array(n);
  const samples = Array.from({ length: n }, (_, s) => {
    y[s] = rng.int(2);
    const times = Float32Array.from(
      { length: channels },
      (_, k) => (k + 1 + (rng.uniform() - 0.5) * (2 / 3)) * gap,
    );
    const units = Int32Array.from({ length: channels }, (_, k) => (y[s] === 0 ? k : channels - 1 - k));
    return { times, units };
  });
  return { samples, y };
}
