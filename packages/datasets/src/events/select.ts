import { PlasticityError } from '@plasticity/core-tensors';
import type { EventBatch } from '@plasticity/core-tensors';

/** A new packed batch holding samples `indices` of `events` (copied, in that order). */
export function selectSamples(events: EventBatch, indices: ArrayLike<number>): EventBatch {
  const n = indices.length;
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const b = indices[i];
    if (!(Number.isInteger(b) && b >= 0 && b < events.size)) {
      throw new PlasticityError('E_SHAPE', `sample index ${b} is out of range for ${events.size} samples`);
    }
    offsets[i + 1] = offsets[i] + events.offsets[b + 1] - events.offsets[b];
  }
  const times = new Float32Array(offsets[n]);
  const units = new Int32Array(offsets[n]);
  for (let i = 0; i < n; i++) {
    const start = events.offsets[indices[i]];
    const end = events.offsets[indices[i] + 1];
    times.set(events.times.subarray(start, end), offsets[i]);
    units.set(events.units.subarray(start, end), offsets[i]);
  }
  return { ...events, size: n, offsets, times, units };
}
