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

/** Event-list form: per sample, spike times (ms) and units sorted by time, then unit. */
export function latencyEvents(code: LatencyCode): SpikeEvents[] {
  const out: SpikeEvents[] = [];
  for (let b = 0; b < code.batch; b++) {
    const row = code.times.subarray(b * code.channels, (b + 1) * code.channels);
    const units: number[] = [];
    row.forEach((t, n) => {
      if (!Number.isNaN(t)) units.push(n);
    });
    units.sort((p, q) => row[p] - row[q] || p - q);
    out.push({ times: Float32Array.from(units, (n) => row[n]), units: Int32Array.from(units) });
  }
  return out;
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
