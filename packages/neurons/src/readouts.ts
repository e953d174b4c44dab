import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '@plasticity/core-tensors';
import { expectShape } from './layers/checks.js';

/** Maximum over time of `v [T, B, N]` → `[B, N]` (the max-voltage readout; gradient at the argmax). */
export function maxVoltage(v: tf.Tensor3D): tf.Tensor2D {
  expectShape(v, [-1, -1, -1], 'maxVoltage input');
  return tf.max(v, 0);
}

/** Spikes per neuron over time: `spikes [T, B, N]` → `[B, N]`. */
export function spikeCount(spikes: tf.Tensor3D): tf.Tensor2D {
  expectShape(spikes, [-1, -1, -1], 'spikeCount input');
  return tf.sum(spikes, 0);
}

/**
 * Time of each neuron's first spike in ms (`step·dt`): `spikes [T, B, N]` → `[B, N]`; a neuron
 * that never spikes gets `noSpike` (default +Infinity). Not differentiable.
 */
export function firstSpikeTime(spikes: tf.Tensor3D, dt: number, noSpike = Infinity): tf.Tensor2D {
  expectShape(spikes, [-1, -1, -1], 'firstSpikeTime input');
  if (!(dt > 0))
    throw new PlasticityError('E_CONFIG', `firstSpikeTime: dt must be > 0 ms, got ${dt}`, { field: 'dt' });
  return tf.tidy(() => {
    const steps = spikes.shape[0];
    const spiked = tf.greater(spikes, 0);
    // Steps with a spike keep their index, others get T; the minimum is the first spike (or T).
    const index = tf.reshape(tf.range(0, steps, 1, 'float32'), [steps, 1, 1]);
    const first = tf.min(
      tf.where(spiked, tf.broadcastTo(index, spikes.shape), tf.fill(spikes.shape, steps)),
      0,
    );
    return tf.where(
      tf.equal(first, steps),
      tf.fill(first.shape as [number, number], noSpike),
      tf.mul(first, dt),
    ) as tf.Tensor2D;
  });
}

/**
 * The exponentially weighted mean voltage `(1/T)∫₀ᵀ e^(−t/T)·V(t) dt` on the grid (t = step·dt,
 * T = `duration` ms, rectangle rule: Σ e^(−t/T)·V·dt / T): `v [steps, B, N]` → `[B, N]`. This is
 * the "loss shaping" readout of Nowotny et al. for SHD.
 */
export function expWeightedMeanVoltage(v: tf.Tensor3D, dt: number, duration: number): tf.Tensor2D {
  expectShape(v, [-1, -1, -1], 'expWeightedMeanVoltage input');
  if (!(dt > 0 && duration > 0)) {
    throw new PlasticityError(
      'E_CONFIG',
      `expWeightedMeanVoltage: dt and duration must be > 0 ms, got ${dt}, ${duration}`,
      {
        field: dt > 0 ? 'duration' : 'dt',
      },
    );
  }
  return tf.tidy(() => {
    const steps = v.shape[0];
    const weights = Float32Array.from(
      { length: steps },
      (_, t) => (Math.exp((-t * dt) / duration) * dt) / duration,
    );
    return tf.sum(tf.mul(v, tf.tensor3d(weights, [steps, 1, 1])), 0) as tf.Tensor2D;
  });
}
