import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '@plasticity/core-tensors';
import type { SpikeEvents } from '@plasticity/core-tensors';

/** Features for `B` samples: `data` row-major, `shape[0] = B`, the rest flattened into units. */
export interface FeatureMatrix {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
}

export interface LatencyOptions {
  /** Time of a value-0 spike, ms (default 0). */
  readonly t0?: number;
  /** Spike time spread, ms: `t = t0 + value·span` (values in [0, 1]). */
  readonly span: number;
  /** Use `1 − value` (large values spike early): MNIST's `(1 − pixel/255)·30 ms` is `{span: 30, invert: true}`. */
  readonly invert?: boolean;
  /** Values ≤ threshold (compared before inversion) do not spike (MNIST: pixel > 1 spikes, i.e. 1/255). */
  readonly threshold?: number;
  /** An extra last channel that spikes at `time` in every sample. */
  readonly bias?: { readonly time: number };
  /** Step of the dense grid, ms. A spike at `t` lands in step `floor(t / dt)`. */
  readonly dt: number;
  /** Steps of the dense grid (default: just enough for the latest possible spike, `t0 + span` or the bias). */
  readonly steps?: number;
}

export interface LatencyCode {
  /** `[B, channels]` spike time per unit in ms (float32), NaN where a unit stays silent. */
  readonly times: Float32Array;
  readonly batch: number;
  /** Input units plus one when `bias` is set. */
  readonly channels: number;
  readonly steps: number;
  readonly dt: number;
}

function config(message: string, field: string): PlasticityError {
  return new PlasticityError('E_CONFIG', `latency encoding: ${message}`, { field });
}

function binOf(time: number, dt: number): number {
  return Math.floor(time / dt);
}

/**
 * Spike times for latency coding: each unit spikes once at `t0 + v·span` (`v` or `1 − v`
 * with `invert`), unless its value is ≤ `threshold`; optional bias channel last. Times are
 * rounded to float32 before binning so that every form below bins identically.
 */
export function latencyTimes(features: FeatureMatrix, options: LatencyOptions): LatencyCode {
  const { t0 = 0, span, invert = false, threshold, bias, dt } = options;
  if (!(Number.isFinite(span) && span >= 0)) throw config(`span must be a number ≥ 0, got ${span}`, 'span');
  if (!Number.isFinite(t0)) throw config(`t0 must be a finite number, got ${t0}`, 't0');
  if (!(Number.isFinite(dt) && dt > 0)) throw config(`dt must be a number > 0, got ${dt}`, 'dt');
  if (bias !== undefined && !(Number.isFinite(bias.time) && bias.time >= 0)) {
    throw config(`bias.time must be a number ≥ 0, got ${bias.time}`, 'bias.time');
  }
  const latest = Math.max(Math.fround(t0 + span), bias === undefined ? 0 : Math.fround(bias.time));
  const steps = options.steps ?? binOf(latest, dt) + 1;
  if (!Number.isInteger(steps) || steps < 1)
    throw config(`steps must be a whole number ≥ 1, got ${steps}`, 'steps');
  if (t0 < 0) throw config(`t0 must be ≥ 0, got ${t0}`, 't0');

  const batch = features.shape[0] ?? 0;
  const units = features.shape.slice(1).reduce((a, b) => a * b, 1);
  if (features.shape.length < 2 || features.data.length !== batch * units) {
    throw new PlasticityError(
      'E_SHAPE',
      `latency encoding needs features [B, N]; got shape [${features.shape.join(', ')}] with ${features.data.length} values`,
    );
  }
  const channels = units + (bias === undefined ? 0 : 1);
  const times = new Float32Array(batch * channels).fill(NaN);
  const window = steps * dt;
  for (let b = 0; b < batch; b++) {
    for (let n = 0; n < units; n++) {
      const v = features.data[b * units + n];
      if (!(v >= 0 && v <= 1)) {
        throw new PlasticityError(
          'E_DATA_FORMAT',
          `latency encoding: value ${v} of sample ${b}, unit ${n} is outside [0, 1]; scale features first`,
          { sample: b, unit: n, value: v },
        );
      }
      if (threshold !== undefined && v <= threshold) continue;
      const t = Math.fround(t0 + (invert ? 1 - v : v) * span);
      if (binOf(t, dt) >= steps) {
        throw config(
          `spike at ${t} ms (sample ${b}, unit ${n}) is past the window of ${steps} steps × ${dt} ms = ${window} ms; raise steps`,
          'steps',
        );
      }
      times[b * channels + n] = t;
    }
    if (bias !== undefined) {
      const t = Math.fround(bias.time);
      if (binOf(t, dt) >= steps) {
        throw config(`bias spike at ${t} ms is past the window of ${window} ms; raise steps`, 'steps');
      }
      times[b * channels + units] = t;
    }
  }
  return { times, batch, channels, steps, dt };
}

/** A batch's spikes back to back: sample b's are `offsets[b] … offsets[b + 1] − 1`. */
export interface PackedSpikes {
  readonly offsets: Int32Array;
  readonly times: Float64Array;
  readonly units: Int32Array;
}

/** Channels a packed sort can key: float32 bits (31 for times ≥ 0) and the unit in 53 bits. */
const MAX_PACKED_CHANNELS = 2 ** 22;

/**
 * Every sample's spikes of a latency code (times ≥ 0, NaN for none) sorted by time, then unit.
 * A non-negative float32's bit pattern orders like its value, so `bits·2^k + unit` (2^k ≥
 * channels, exact in a float64) sorts by time and then unit in the native numeric sort of a
 * Float64Array, several times faster than a comparator (EventProp's threads wait for this).
 */
export function latencyPacked(code: LatencyCode): PackedSpikes {
  const { batch, channels, times } = code;
  if (channels > MAX_PACKED_CHANNELS) {
    throw config(`a latency code of ${channels} channels is more than ${MAX_PACKED_CHANNELS}`, 'channels');
  }
  const offsets = new Int32Array(batch + 1);
  for (let b = 0; b < batch; b++) {
    let n = 0;
    for (let u = 0; u < channels; u++) if (!Number.isNaN(times[b * channels + u])) n++;
    offsets[b + 1] = offsets[b] + n;
  }
  const packedTimes = new Float64Array(offsets[batch]);
  const units = new Int32Array(offsets[batch]);
  const bits = new Uint32Array(times.buffer, times.byteOffset, times.length);
  const scale = 2 ** Math.ceil(Math.log2(Math.max(channels, 2)));
  const keys = new Float64Array(channels);
  for (let b = 0; b < batch; b++) {
    const row = b * channels;
    let n = 0;
    for (let u = 0; u < channels; u++) {
      const t = times[row + u];
      // −0 (a rounded time) sorts as 0.
      if (!Number.isNaN(t)) keys[n++] = (t === 0 ? 0 : bits[row + u]) * scale + u;
    }
    const sorted = keys.subarray(0, n).sort();
    const start = offsets[b];
    for (let k = 0; k < n; k++) {
      const u = sorted[k] % scale;
      packedTimes[start + k] = times[row + u];
      units[start + k] = u;
    }
  }
  return { offsets, times: packedTimes, units };
}

/** Event-list form: per sample, spike times (ms) and units sorted by time, then unit. */
export function latencyEvents(code: LatencyCode): SpikeEvents[] {
  const { offsets, times, units } = latencyPacked(code);
  return Array.from({ length: code.batch }, (_, b) => ({
    times: Float32Array.from(times.subarray(offsets[b], offsets[b + 1])),
    units: units.slice(offsets[b], offsets[b + 1]),
  }));
}

/** Dense form: `[steps, B, channels]` float32, 1 in the step of each spike. The caller disposes it. */
export function latencyDense(code: LatencyCode): tf.Tensor3D {
  const { batch, channels, steps, dt, times } = code;
  const grid = new Float32Array(steps * batch * channels);
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (!Number.isNaN(t)) grid[binOf(t, dt) * batch * channels + i] = 1;
  }
  return tf.tensor3d(grid, [steps, batch, channels], 'float32');
}

/**
 * Dense `[steps, B, channels]` from event lists (any event source, not only latency codes).
 * Events outside the window or on unknown channels are E_DATA_FORMAT errors, never dropped.
 */
export function eventsToDense(
  events: readonly SpikeEvents[],
  grid: { readonly dt: number; readonly steps: number; readonly channels: number },
): tf.Tensor3D {
  const { dt, steps, channels } = grid;
  const batch = events.length;
  const out = new Float32Array(steps * batch * channels);
  events.forEach(({ times, units }, b) => {
    if (times.length !== units.length) {
      throw new PlasticityError('E_SHAPE', `sample ${b}: ${times.length} times but ${units.length} units`);
    }
    for (let k = 0; k < times.length; k++) {
      const step = binOf(times[k], dt);
      const unit = units[k];
      if (!(step >= 0 && step < steps) || !(unit >= 0 && unit < channels)) {
        throw new PlasticityError(
          'E_DATA_FORMAT',
          `sample ${b}, event ${k}: spike at ${times[k]} ms on unit ${unit} is outside ${steps} steps × ${dt} ms, ${channels} channels`,
          { sample: b, event: k },
        );
      }
      out[(step * batch + b) * channels + unit] = 1;
    }
  });
  return tf.tensor3d(out, [steps, batch, channels], 'float32');
}

/**
 * Latency coding in both forms at once: the dense `[T, B, N]` tensor (caller disposes) and
 * per-sample event lists, from the same spike times.
 */
export function latencyEncode(
  features: FeatureMatrix,
  options: LatencyOptions,
): LatencyCode & { readonly dense: tf.Tensor3D; readonly events: SpikeEvents[] } {
  const code = latencyTimes(features, options);
  return { ...code, events: latencyEvents(code), dense: latencyDense(code) };
}
