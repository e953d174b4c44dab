import type { HostLayer, SamplePass } from './network.js';
import { selectPlateaus } from './plateaus.js';

export interface TopDownOptions {
  /** Top-down scale into each hidden layer's dendrite, first hidden layer first. */
  readonly feedbackScale: readonly number[];
  /** Largest number of plateauing units per hidden layer and sign. */
  readonly plateauCounts: readonly number[];
  /** Per hidden layer, one uniform per unit for stochastic selection, or undefined. */
  readonly uniforms?: readonly Float32Array[];
}

/**
 * The top-down phase of one sample, from the output down. The output's plateau is its clamped
 * error `clamp(target − output, −1, 1)` (one-hot target). Each hidden layer's dendrite receives
 * the plateaus of the layer above through the transposed forward weights (the authors' top-down
 * weights are a scaled copy of them), scaled and clamped to [−1, 1]; its plateaus are chosen from
 * that signal and feed the layer below in turn. Writes `plateaus[l]` for layer l (first hidden
 * layer first, output last); `signal` is scratch of the widest hidden layer's size.
 */
export function topDownPlateaus(
  layers: readonly HostLayer[],
  pass: SamplePass,
  label: number,
  options: TopDownOptions,
  plateaus: readonly Float32Array[],
  signal: Float32Array,
): void {
  const last = layers.length - 1;
  const output = pass.rates[last + 1];
  const error = plateaus[last];
  for (let c = 0; c < output.length; c++)
    error[c] = Math.min(1, Math.max(-1, (c === label ? 1 : 0) - output[c]));
  for (let l = last - 1; l >= 0; l--) {
    const above = layers[l + 1];
    const units = above.inputs;
    const dendrite = signal.subarray(0, units);
    dendrite.fill(0);
    const from = plateaus[l + 1];
    for (let u = 0; u < above.units; u++) {
      const p = from[u];
      if (p === 0) continue;
      const row = u * units;
      for (let j = 0; j < units; j++) dendrite[j] += above.weights[row + j] * p;
    }
    const scale = options.feedbackScale[l];
    for (let j = 0; j < units; j++) dendrite[j] = Math.min(1, Math.max(-1, dendrite[j] * scale));
    selectPlateaus(
      dendrite,
      pass.rates[l + 1],
      { count: options.plateauCounts[l], uniforms: options.uniforms?.[l] },
      plateaus[l],
    );
  }
}
