import type { SpikeList } from './spike-buffer.js';

/**
 * A batch as the engine reads it, packed like an `EventBatch`: sample b's input spikes, sorted
 * by time then unit, are `offsets[b] … offsets[b + 1] − 1` of `times`/`units`.
 */
export interface HostSamples {
  readonly size: number;
  readonly offsets: Int32Array;
  readonly times: Float32Array | Float64Array;
  readonly units: Int32Array;
  /** Sample b's spikes, as views. */
  sample(b: number): SpikeList;
}

/** `HostSamples` over packed arrays (`offsets` of length size + 1). */
export function packedSamples(
  offsets: Int32Array,
  times: Float32Array | Float64Array,
  units: Int32Array,
): HostSamples {
  return {
    size: offsets.length - 1,
    offsets,
    times,
    units,
    sample: (b) => ({
      count: offsets[b + 1] - offsets[b],
      times: times.subarray(offsets[b], offsets[b + 1]),
      units: units.subarray(offsets[b], offsets[b + 1]),
    }),
  };
}
