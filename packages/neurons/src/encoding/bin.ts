import * as tf from '@tensorflow/tfjs-core';
import type { EventBatch } from '@plasticity/core-tensors';

/**
 * Bins an event batch onto `[steps, B, channels]` (1 where a channel spiked in a step, also for
 * several spikes in one step); events at or past `steps·dt` are cropped.
 */
export function binEventBatch(batch: EventBatch, steps: number, dt: number): tf.Tensor3D {
  const { size, channels, offsets, times, units } = batch;
  const grid = new Float32Array(steps * size * channels);
  for (let b = 0; b < size; b++) {
    for (let k = offsets[b]; k < offsets[b + 1]; k++) {
      const step = Math.floor(times[k] / dt);
      if (step < steps) grid[(step * size + b) * channels + units[k]] = 1;
    }
  }
  return tf.tensor3d(grid, [steps, size, channels], 'float32');
}
