import { PlasticityError } from '@plasticity/core-tensors';
import type { Rng } from '@plasticity/core-tensors';
import type { SpikeTrain } from '@plasticity/neurons';

/** Input spikes of a batch, packed: sample b's are `offsets[b] .. offsets[b + 1] − 1`, in time order. */
export interface PackedTrains {
  readonly size: number;
  readonly offsets: Int32Array;
  readonly times: Float64Array;
  readonly sources: Int32Array;
}

/** Sample `b` of a packed batch (views, no copy). */
export function trainOf(batch: PackedTrains, b: number): SpikeTrain {
  const from = batch.offsets[b];
  const to = batch.offsets[b + 1];
  return {
    count: to - from,
    times: batch.times.subarray(from, to),
    sources: batch.sources.subarray(from, to),
  };
}

/** Samples `from … to − 1` as a packed batch of their own (copies, to transfer to a thread). */
export function sliceTrains(batch: PackedTrains, from: number, to: number): PackedTrains {
  const first = batch.offsets[from];
  const last = batch.offsets[to];
  return {
    size: to - from,
    offsets: Int32Array.from(batch.offsets.subarray(from, to + 1), (o) => o - first),
    times: batch.times.slice(first, last),
    sources: batch.sources.slice(first, last),
  };
}

/** The spike time of bin `b` (< bins): when a LIF neuron with drive `bins − b` reaches 0.01·bins. */
export function binTime(bin: number, bins: number, duration: number): number {
  const drive = bins - bin;
  return duration * Math.log(drive / (drive - 0.01 * bins));
}

/**
 * Codes dense features in [0, 1] as input spikes (bins as in `inputBins`), optionally flipping
 * each feature's bin with probability `flip` (drawn from `rng`).
 */
export function codeFeatures(
  values: Float32Array | Float64Array,
  size: number,
  features: number,
  bins: number,
  duration: number,
  flip?: { readonly probability: number; readonly rng: Rng },
): PackedTrains {
  const binTimes = Float64Array.from({ length: bins }, (_, b) => binTime(b, bins, duration));
  const binOf = new Int32Array(size * features);
  const offsets = new Int32Array(size + 1);
  for (let s = 0; s < size; s++) {
    let count = 0;
    for (let j = 0; j < features; j++) {
      const x = values[s * features + j];
      if (!(x >= 0 && x <= 1)) {
        throw new PlasticityError(
          'E_DATA_FORMAT',
          `smooth-exact codes features in [0, 1] as spike times; feature ${j} of sample ${s} is ${x}`,
          { field: 'x', sample: s, feature: j, value: x },
        );
      }
      let bin = Math.min(Math.floor((1 - x) * (bins + 1)), bins);
      if (flip !== undefined && flip.probability > 0 && flip.rng.uniform() < flip.probability)
        bin = bins - bin;
      binOf[s * features + j] = bin;
      if (bin < bins) count++;
    }
    offsets[s + 1] = offsets[s] + count;
  }
  const times = new Float64Array(offsets[size]);
  const sources = new Int32Array(offsets[size]);
  for (let s = 0; s < size; s++) {
    // Bin 0 (the brightest) spikes first: walking the bins in order keeps each train sorted.
    let k = offsets[s];
    for (let bin = 0; bin < bins; bin++) {
      for (let j = 0; j < features; j++) {
        if (binOf[s * features + j] !== bin) continue;
        times[k] = binTimes[bin];
        sources[k++] = j;
      }
    }
  }
  return { size, offsets, times, sources };
}
