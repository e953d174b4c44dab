import { PlasticityError } from '@plasticity/core-tensors';
import type { EventBatch, Rng } from '@plasticity/core-tensors';

/**
 * Random-shift augmentation (Cramer et al. 2020; EventProp on SHD): each sample's units move
 * together by one integer drawn uniformly from `−maxShift … maxShift`; events shifted outside
 * `0 … channels − 1` are dropped. Times and their order are unchanged (a common shift keeps
 * ties ordered by unit). Returns a new batch; `shifts[b]` is the shift sample `b` got.
 */
export function randomShift(
  batch: EventBatch,
  maxShift: number,
  rng: Rng,
): { readonly batch: EventBatch; readonly shifts: Int32Array } {
  if (!(Number.isInteger(maxShift) && maxShift >= 0)) {
    throw new PlasticityError('E_CONFIG', `randomShift must be a whole number ≥ 0, got ${maxShift}`, {
      field: 'randomShift',
    });
  }
  const shifts = Int32Array.from({ length: batch.size }, () => rng.int(2 * maxShift + 1) - maxShift);
  const offsets = new Int32Array(batch.size + 1);
  const times = new Float32Array(batch.times.length);
  const units = new Int32Array(batch.units.length);
  let out = 0;
  for (let b = 0; b < batch.size; b++) {
    for (let k = batch.offsets[b]; k < batch.offsets[b + 1]; k++) {
      const unit = batch.units[k] + shifts[b];
      if (unit < 0 || unit >= batch.channels) continue;
      times[out] = batch.times[k];
      units[out] = unit;
      out++;
    }
    offsets[b + 1] = out;
  }
  return {
    batch: { ...batch, offsets, times: times.slice(0, out), units: units.slice(0, out) },
    shifts,
  };
}
