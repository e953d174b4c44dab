import type { EventBatch, Inspection, LayerRaster, SpikeEvents } from '@plasticity/core-tensors';

/** The first `count` samples of an event batch, as views (no copy). */
export function firstSamples(events: EventBatch, count: number): EventBatch {
  const end = events.offsets[count];
  return {
    ...events,
    size: count,
    offsets: events.offsets.subarray(0, count + 1),
    times: events.times.subarray(0, end),
    units: events.units.subarray(0, end),
  };
}

/**
 * Sample `b`'s spikes from counts per bin, rows `t·B + b` (time-major) of `units` columns: a
 * count of n in bin t is n spikes at the bin's start, `t·dt` ms.
 */
export function binnedSpikes(
  counts: Float32Array,
  grid: { steps: number; batch: number; units: number; dt: number },
  b: number,
): SpikeEvents {
  const times: number[] = [];
  const units: number[] = [];
  for (let t = 0; t < grid.steps; t++) {
    const row = (t * grid.batch + b) * grid.units;
    for (let u = 0; u < grid.units; u++) {
      for (let n = 0; n < counts[row + u]; n++) {
        times.push(t * grid.dt);
        units.push(u);
      }
    }
  }
  return { times: Float32Array.from(times), units: Int32Array.from(units) };
}

/** Rasters of the inspected samples: their input events, then each layer's sampled spikes. */
export function rasters(
  events: EventBatch,
  layers: readonly { name: string; counts: Float32Array; units: number }[],
  grid: { steps: number; dt: number },
): Inspection {
  const batch = events.size;
  const input: LayerRaster = {
    name: 'input events',
    size: events.channels,
    samples: Array.from({ length: batch }, (_, b) => ({
      times: events.times.subarray(events.offsets[b], events.offsets[b + 1]),
      units: events.units.subarray(events.offsets[b], events.offsets[b + 1]),
    })),
  };
  return {
    duration: events.duration,
    layers: [
      input,
      ...layers.map((layer) => ({
        name: layer.name,
        size: layer.units,
        samples: Array.from({ length: batch }, (_, b) =>
          binnedSpikes(layer.counts, { ...grid, batch, units: layer.units }, b),
        ),
      })),
    ],
  };
}
