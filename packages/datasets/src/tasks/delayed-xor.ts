import { PlasticityError, createRng } from '@plasticity/core-tensors';
import type { LoadDatasetOptions, LoadedDataset } from '../registry/registry.js';
import type { SequenceSplit } from './sequence-split.js';
import { refuseValidation, sequenceSplit } from './sequence-split.js';

/** Timeline of a delayed-memory XOR trial, ms (a grid of `dt` ms). */
export const DELAYED_XOR_TIMING = Object.freeze({
  dt: 2,
  /** Trial length. */
  duration: 360,
  /** Length of each pulse and of the go cue. */
  pulse: 20,
  /** Onset of the first pulse. */
  first: 20,
  /** The silent gap between the pulses is drawn uniformly from this range (whole steps). */
  gap: [20, 200] as const,
  /** Onset of the go cue (after the latest second pulse), then 40 ms to answer. */
  go: 300,
});

/** Input channels: a `+` pulse, a `−` pulse, the go cue. */
export const DELAYED_XOR_CHANNELS = ['plus', 'minus', 'go'] as const;
export const DELAYED_XOR_CLASS_NAMES = ['0', '1'] as const;

export interface DelayedXorOptions {
  readonly trials: number;
  readonly seed: number;
  /** Fraction of trials with one pulse only (default 0.2). */
  readonly onePulse?: number;
}

/** Trials as `values [trials, steps, 3]` (0/1 pulses), XOR labels, and each trial's pulses. */
export interface DelayedXorData {
  readonly values: Float32Array;
  readonly labels: Int32Array;
  readonly steps: number;
  /** Per trial, the bits shown (1: a `+` pulse, 0: a `−` pulse; absent when a pulse was dropped). */
  readonly bits: readonly (readonly (0 | 1 | undefined)[])[];
}

/**
 * Seeded delayed-memory XOR trials (after Huh & Sejnowski 2018's task; their exact timings are
 * not known here): two pulses of 20 ms, each `+` (bit 1, channel 0) or `−` (bit 0, channel 1),
 * the second after a gap of 20–200 ms, then a go cue at 300 ms (channel 2); the label is the XOR
 * of the bits. In a fraction `onePulse` of the trials one of the two pulses (either, at random)
 * is left out; the missing bit counts as 0, so the label is the bit shown.
 */
export function delayedXor(options: DelayedXorOptions): DelayedXorData {
  const { trials, seed } = options;
  const onePulse = options.onePulse ?? 0.2;
  if (!(Number.isInteger(trials) && trials >= 1)) {
    throw new PlasticityError('E_CONFIG', `delayed XOR: trials must be a whole number ≥ 1, got ${trials}`, {
      field: 'trials',
    });
  }
  if (!(onePulse >= 0 && onePulse <= 1)) {
    throw new PlasticityError('E_CONFIG', `delayed XOR: onePulse must lie in [0, 1], got ${onePulse}`, {
      field: 'onePulse',
    });
  }
  const { dt, duration, pulse, first, gap, go } = DELAYED_XOR_TIMING;
  const steps = duration / dt;
  const channels = DELAYED_XOR_CHANNELS.length;
  const values = new Float32Array(trials * steps * channels);
  const labels = new Int32Array(trials);
  const bits: (0 | 1 | undefined)[][] = [];
  const rng = createRng(seed).fork('delayed-xor');
  const fill = (trial: number, channel: number, onset: number) => {
    for (let t = onset / dt; t < (onset + pulse) / dt; t++)
      values[(trial * steps + t) * channels + channel] = 1;
  };
  const gapSteps = (gap[1] - gap[0]) / dt + 1;
  for (let trial = 0; trial < trials; trial++) {
    const shown: (0 | 1 | undefined)[] = [rng.int(2) as 0 | 1, rng.int(2) as 0 | 1];
    const second = first + pulse + gap[0] + rng.int(gapSteps) * dt;
    if (rng.uniform() < onePulse) shown[rng.int(2)] = undefined;
    [first, second].forEach((onset, k) => {
      const bit = shown[k];
      if (bit !== undefined) fill(trial, bit === 1 ? 0 : 1, onset);
    });
    fill(trial, 2, go);
    labels[trial] = (shown[0] ?? 0) ^ (shown[1] ?? 0);
    bits.push(shown);
  }
  return { values, labels, steps, bits };
}

/** Trials of the training and test splits and their seeds (fixed: the same data on every machine). */
export const DELAYED_XOR_SPLITS = Object.freeze({
  train: { trials: 2000, seed: 1 },
  test: { trials: 500, seed: 2 },
});

export const DELAYED_XOR_DESCRIPTION =
  'Delayed-memory XOR (after Huh & Sejnowski 2018), generated: two 20-ms pulses (+ or −) 20–200 ms apart, ' +
  'a go cue at 300 ms, label the XOR of the pulses; 20 % of trials show one pulse (the missing bit is 0). ' +
  '3 channels (+, −, go) on a 2-ms grid, 360 ms.';

/** The delayed-XOR data set: seeded training and test trials as time-major 0/1 pulse trains. */
export function loadDelayedXor(options: LoadDatasetOptions): LoadedDataset<SequenceSplit> {
  refuseValidation('delayed-xor', options);
  const channels = DELAYED_XOR_CHANNELS.length;
  const split = (which: keyof typeof DELAYED_XOR_SPLITS, shuffle: boolean) => {
    const data = delayedXor(DELAYED_XOR_SPLITS[which]);
    return sequenceSplit(data.values, data.steps, channels, data.labels, { shuffle });
  };
  const { dt, duration } = DELAYED_XOR_TIMING;
  return {
    name: 'delayed-xor',
    task: {
      input: { kind: 'spikes', steps: duration / dt, channels, dt },
      outputs: 2,
      kind: 'classification',
    },
    train: split('train', true),
    test: split('test', false),
    preprocess: { kind: 'identity', inputShape: [channels] },
    description: DELAYED_XOR_DESCRIPTION,
    classNames: [...DELAYED_XOR_CLASS_NAMES],
  };
}
