import type { LifConstants } from './lif.js';
import type { SpikeList } from './spike-buffer.js';

// Bound once: inside test runners' vm contexts every global lookup (`Math`) is slow.
const { exp, min } = Math;

/**
 * Voltage of every neuron of a layer sampled at `t = s·dt` for `s = 0 … steps − 1`, from the
 * closed form between events: input spikes add `kernel` rows to the currents, `resets` (the
 * layer's own spikes, or none for an integrator) set V to 0. Returns `[steps × size]` row-major.
 */
export function sampleVoltages(
  c: LifConstants,
  input: SpikeList,
  kernel: Float64Array,
  size: number,
  resets: SpikeList | undefined,
  steps: number,
  dt: number,
): Float32Array {
  const { tauMem, tauSyn, gain } = c;
  const out = new Float32Array(steps * size);
  const v = new Float64Array(size);
  const cur = new Float64Array(size);
  let t = 0;
  const advance = (to: number): void => {
    const span = to - t;
    if (span <= 0) return;
    const em = exp(-span / tauMem);
    const es = exp(-span / tauSyn);
    const g = gain * (em - es);
    for (let k = 0; k < size; k++) {
      v[k] = v[k] * em + cur[k] * g;
      cur[k] *= es;
    }
    t = to;
  };
  let e = 0;
  let r = 0;
  const resetCount = resets?.count ?? 0;
  for (let s = 0; s < steps; s++) {
    const ts = s * dt;
    for (;;) {
      const tIn = e < input.count ? input.times[e] : Infinity;
      const tReset = r < resetCount ? (resets as SpikeList).times[r] : Infinity;
      if (min(tIn, tReset) > ts) break;
      if (tReset <= tIn) {
        advance(tReset);
        v[(resets as SpikeList).units[r++]] = 0;
      } else {
        advance(tIn);
        const row = input.units[e++] * size;
        for (let k = 0; k < size; k++) cur[k] += kernel[row + k];
      }
    }
    advance(ts);
    for (let k = 0; k < size; k++) out[s * size + k] = v[k];
  }
  return out;
}
