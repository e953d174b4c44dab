import type { Tensor } from '@tensorflow/tfjs-core';
import { PlasticityError } from '../errors/plasticity-error.js';
import type { BatchInput, EventBatch, SpikeEvents } from './task.js';

/** True when a batch input is an event-list batch rather than a tensor. */
export function isEventBatch(x: unknown): x is EventBatch {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'events';
}

/** Sample `b` of an event batch, as views into the packed arrays (no copy). */
export function eventBatchSample(batch: EventBatch, b: number): SpikeEvents {
  if (!Number.isInteger(b) || b < 0 || b >= batch.size) {
    throw new PlasticityError(
      'E_SHAPE',
      `event batch has ${batch.size} samples; sample ${b} does not exist`,
      {
        sample: b,
        size: batch.size,
      },
    );
  }
  const start = batch.offsets[b];
  const end = batch.offsets[b + 1];
  return { times: batch.times.subarray(start, end), units: batch.units.subarray(start, end) };
}

/**
 * Packs per-sample event lists into an `EventBatch`, checking that times are finite, in
 * `[0, duration)` and sorted, and that units are whole numbers below `channels`.
 */
export function packEventBatch(
  samples: readonly SpikeEvents[],
  channels: number,
  duration: number,
): EventBatch {
  if (!(Number.isInteger(channels) && channels > 0)) {
    throw new PlasticityError(
      'E_CONFIG',
      `event batch: channels must be a whole number > 0, got ${channels}`,
    );
  }
  if (!(Number.isFinite(duration) && duration > 0)) {
    throw new PlasticityError('E_CONFIG', `event batch: duration must be a number > 0 (ms), got ${duration}`);
  }
  const offsets = new Int32Array(samples.length + 1);
  samples.forEach((s, b) => {
    if (s.times.length !== s.units.length) {
      throw new PlasticityError(
        'E_SHAPE',
        `event batch: sample ${b} has ${s.times.length} times but ${s.units.length} units`,
        { sample: b },
      );
    }
    offsets[b + 1] = offsets[b] + s.times.length;
  });
  const times = new Float32Array(offsets[samples.length]);
  const units = new Int32Array(offsets[samples.length]);
  samples.forEach((s, b) => {
    for (let k = 0; k < s.times.length; k++) {
      const t = s.times[k];
      const u = s.units[k];
      if (!(t >= 0 && t < duration)) {
        throw new PlasticityError(
          'E_DATA_FORMAT',
          `event batch: sample ${b}, event ${k} has time ${t} ms outside [0, ${duration})`,
          { sample: b, event: k },
        );
      }
      if (k > 0 && t < s.times[k - 1]) {
        throw new PlasticityError(
          'E_DATA_FORMAT',
          `event batch: sample ${b} is not sorted by time at event ${k}`,
          {
            sample: b,
            event: k,
          },
        );
      }
      if (!(Number.isInteger(u) && u >= 0 && u < channels)) {
        throw new PlasticityError(
          'E_DATA_FORMAT',
          `event batch: sample ${b}, event ${k} has unit ${u}, outside 0 … ${channels - 1}`,
          { sample: b, event: k },
        );
      }
    }
    times.set(s.times, offsets[b]);
    units.set(s.units, offsets[b]);
  });
  return { kind: 'events', size: samples.length, channels, duration, offsets, times, units };
}

/** The tensor of a batch input, or `E_SHAPE` naming `who` when it is an event batch. */
export function tensorInput(x: BatchInput, who: string): Tensor {
  if (isEventBatch(x)) {
    throw new PlasticityError(
      'E_SHAPE',
      `${who} takes tensor input (dense features or [T, B, N] spikes), not event lists; bin the events first (e.g. the dataset's binned format)`,
    );
  }
  return x;
}
