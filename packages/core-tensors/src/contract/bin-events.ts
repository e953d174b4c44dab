import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '../errors/plasticity-error.js';
import type { EventBatch } from './task.js';

export interface BinOptions {
  /** Step, ms. A spike at `t` lands in step `floor(t / dt)`. */
  readonly dt: number;
  /** Steps of the grid (default `ceil(duration / dt)`, which holds every event of the batch). */
  readonly steps?: number;
  /**
   * `'count'` (default): spikes of one unit in one step add up, so none is lost; `'binary'`: 1
   * where a unit spiked at least once in the step.
   */
  readonly mode?: 'count' | 'binary';
  /** Drop events past the last step (a window shorter than the data's) instead of an error. */
  readonly crop?: boolean;
}

/** Steps needed to hold `[0, duration)` ms at `dt` ms per step (float-safe: 60 / 0.1 is 600). */
export function stepsFor(duration: number, dt: number): number {
  return Math.max(1, Math.ceil(duration / dt - 1e-9));
}

/**
 * Bins an event batch onto a time grid: float32 `[steps, B, channels]` (time-major, as the
 * `spikes` input kind): how event data meets time-stepped simulation. Events past the last step
 * are an E_CONFIG error (raise `steps`) unless `crop` drops them. The caller disposes the tensor.
 */
export function binEvents(batch: EventBatch, options: BinOptions): tf.Tensor3D {
  const { dt, mode = 'count', crop = false } = options;
  if (!(Number.isFinite(dt) && dt > 0)) {
    throw new PlasticityError('E_CONFIG', `binning: dt must be a number > 0 (ms), got ${dt}`, {
      field: 'dt',
    });
  }
  const steps = options.steps ?? stepsFor(batch.duration, dt);
  if (!(Number.isInteger(steps) && steps >= 1)) {
    throw new PlasticityError('E_CONFIG', `binning: steps must be a whole number ≥ 1, got ${steps}`, {
      field: 'steps',
    });
  }
  const { size, channels } = batch;
  const grid = new Float32Array(steps * size * channels);
  for (let b = 0; b < size; b++) {
    for (let k = batch.offsets[b]; k < batch.offsets[b + 1]; k++) {
      const step = Math.floor(batch.times[k] / dt);
      if (step >= steps) {
        if (crop) continue;
        throw new PlasticityError(
          'E_CONFIG',
          `binning: sample ${b} has a spike at ${batch.times[k]} ms, past ${steps} steps × ${dt} ms; raise steps`,
          { field: 'steps', sample: b },
        );
      }
      const cell = (step * size + b) * channels + batch.units[k];
      grid[cell] = mode === 'binary' ? 1 : grid[cell] + 1;
    }
  }
  return tf.tensor3d(grid, [steps, size, channels], 'float32');
}
