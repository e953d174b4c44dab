import { PlasticityError, createRng } from '@plasticity/core-tensors';
import type { LoadDatasetOptions, LoadedDataset } from '../registry/registry.js';
import type { SequenceSplit } from './sequence-split.js';
import { refuseValidation, sequenceSplit } from './sequence-split.js';

/** Grid and make-up of the input-reproduction series. */
export const INPUT_REPRODUCTION_SHAPE = Object.freeze({
  /** ms per step. */
  dt: 2,
  /** ms per series. */
  duration: 200,
  channels: 2,
  /** Sinusoids summed per channel, each with a frequency in `frequencies` Hz. */
  components: 3,
  frequencies: [2, 12] as const,
});

export interface InputReproductionData {
  /** `[series, steps, channels]`, each channel peaking at ±1. */
  readonly values: Float32Array;
  readonly steps: number;
}

/**
 * Seeded smooth random time series (after the input-reproduction task of Huh & Sejnowski 2018,
 * whose signals are not known here): per channel a sum of 3 sinusoids with frequencies drawn
 * uniformly from 2–12 Hz, random phases and amplitudes, scaled so its largest |value| is 1.
 */
export function inputReproduction(options: {
  readonly series: number;
  readonly seed: number;
}): InputReproductionData {
  const { series, seed } = options;
  if (!(Number.isInteger(series) && series >= 1)) {
    throw new PlasticityError(
      'E_CONFIG',
      `input reproduction: series must be a whole number ≥ 1, got ${series}`,
      {
        field: 'series',
      },
    );
  }
  const { dt, duration, channels, components, frequencies } = INPUT_REPRODUCTION_SHAPE;
  const steps = duration / dt;
  const values = new Float32Array(series * steps * channels);
  const rng = createRng(seed).fork('input-reproduction');
  const column = new Float64Array(steps);
  for (let s = 0; s < series; s++) {
    for (let c = 0; c < channels; c++) {
      column.fill(0);
      for (let k = 0; k < components; k++) {
        const hz = frequencies[0] + rng.uniform() * (frequencies[1] - frequencies[0]);
        const phase = rng.uniform() * 2 * Math.PI;
        const amplitude = 0.5 + rng.uniform();
        for (let t = 0; t < steps; t++)
          column[t] += amplitude * Math.sin((2 * Math.PI * hz * t * dt) / 1000 + phase);
      }
      const peak = column.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      for (let t = 0; t < steps; t++) values[(s * steps + t) * channels + c] = column[t] / peak;
    }
  }
  return { values, steps };
}

export const INPUT_REPRODUCTION_SPLITS = Object.freeze({
  train: { series: 1000, seed: 1 },
  test: { series: 200, seed: 2 },
});

export const INPUT_REPRODUCTION_DESCRIPTION =
  'Input reproduction (after Huh & Sejnowski 2018), generated regression: 2 smooth random signals ' +
  '(sums of 3 sinusoids of 2–12 Hz, peak ±1) on a 2-ms grid over 200 ms; the target is the input itself, ' +
  'flattened time-major per series ([steps × channels] outputs).';

/** The input-reproduction data set: each series is both the input and the regression target. */
export function loadInputReproduction(options: LoadDatasetOptions): LoadedDataset<SequenceSplit> {
  refuseValidation('input-reproduction', options);
  const { dt, duration, channels } = INPUT_REPRODUCTION_SHAPE;
  const steps = duration / dt;
  const split = (which: keyof typeof INPUT_REPRODUCTION_SPLITS, shuffle: boolean) => {
    const { values } = inputReproduction(INPUT_REPRODUCTION_SPLITS[which]);
    return sequenceSplit(values, steps, channels, { values, width: steps * channels }, { shuffle });
  };
  return {
    name: 'input-reproduction',
    task: { input: { kind: 'spikes', steps, channels, dt }, outputs: steps * channels, kind: 'regression' },
    train: split('train', true),
    test: split('test', false),
    preprocess: { kind: 'identity', inputShape: [channels] },
    description: INPUT_REPRODUCTION_DESCRIPTION,
    classNames: Array.from({ length: channels }, (_, c) => `channel ${c}`),
  };
}
