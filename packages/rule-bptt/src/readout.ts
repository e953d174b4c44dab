import * as tf from '@tensorflow/tfjs-core';
import { expWeightedMeanVoltage, maxVoltage } from '@plasticity/neurons';
import type { VoltageReadout } from '@plasticity/neurons';
import type { SpikeGrid } from './input.js';

/**
 * Class scores `[B, C]` from output voltages `v [T, B, C]` (step t holds V at t·dt ms):
 * `max-voltage` max over steps; `mean-voltage` mean over steps; `exp-mean-voltage`
 * `(1/D)·Σ_t e^(−t·dt/D)·V_t·dt` with D = T·dt, the grid form of `(1/D)∫e^(−t/D)V dt`.
 */
export function voltageScores(v: tf.Tensor3D, loss: VoltageReadout, grid: SpikeGrid): tf.Tensor2D {
  switch (loss) {
    case 'max-voltage':
      return maxVoltage(v);
    case 'mean-voltage':
      return tf.mean(v, 0);
    case 'exp-mean-voltage':
      return expWeightedMeanVoltage(v, grid.dt, v.shape[0] * grid.dt);
  }
}
