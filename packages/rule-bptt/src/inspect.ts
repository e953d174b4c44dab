import type { SpikeEvents } from '@plasticity/core-tensors';

/** Per-sample event lists of `spikes [T, B, N]` (host values) for the first `samples` samples; times = step·dt. */
export function eventLists(
  values: Float32Array,
  shape: readonly number[],
  samples: number,
  dt: number,
): SpikeEvents[] {
  const [steps, batch, units] = shape;
  return Array.from({ length: samples }, (_, b) => {
    const times: number[] = [];
    const ids: number[] = [];
    for (let t = 0; t < steps; t++) {
      const row = (t * batch + b) * units;
      for (let n = 0; n < units; n++) {
        if (values[row + n] > 0) {
          times.push(t * dt);
          ids.push(n);
        }
      }
    }
    return { times: Float32Array.from(times), units: Int32Array.from(ids) };
  });
}

/** Per-sample voltage traces of `v [T, samples, units]` (host values), every `stride` steps. */
export function traceSamples(
  v: Float32Array,
  steps: number,
  samples: number,
  units: number,
  stride: number,
): { steps: number; samples: Float32Array[] } {
  const traceSteps = Math.ceil(steps / stride);
  return {
    steps: traceSteps,
    samples: Array.from({ length: samples }, (_, b) => {
      const trace = new Float32Array(traceSteps * units);
      for (let s = 0; s < traceSteps; s++) {
        const row = (s * stride * samples + b) * units;
        trace.set(v.subarray(row, row + units), s * units);
      }
      return trace;
    }),
  };
}
