import { PlasticityError } from '@plasticity/core-tensors';
import type { Rng } from '@plasticity/core-tensors';
import type { SpikeTrain } from '@plasticity/neurons';

/** Each sample's input spikes; one feature spikes at most once. */
export interface CodedBatch {
  readonly size: number;
  sample(b: number): SpikeTrain;
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
): CodedBatch {
  const times = Float64Array.from({ length: bins }, (_, b) => binTime(b, bins, duration));
  const trains: SpikeTrain[] = [];
  const binOf = new Int32Array(features);
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
      binOf[j] = bin;
      if (bin < bins) count++;
    }
    const train = { count, times: new Float64Array(count), sources: new Int32Array(count) };
    // Bin 0 (the brightest) spikes first: walking the bins in order keeps the train sorted.
    let k = 0;
    for (let bin = 0; bin < bins; bin++) {
      for (let j = 0; j < features; j++) {
        if (binOf[j] !== bin) continue;
        train.times[k] = times[bin];
        train.sources[k++] = j;
      }
    }
    trains.push(train);
  }
  return { size, sample: (b) => trains[b] };
}
