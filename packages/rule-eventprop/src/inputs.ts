import type * as tf from '@tensorflow/tfjs-core';
import { PlasticityError, isEventBatch } from '@plasticity/core-tensors';
import type { BatchInput, EventBatch } from '@plasticity/core-tensors';
// eslint-disable-next-line no-restricted-imports -- issue 10: the encoders move to neurons in another branch; drop this at merge
import { latencyTimes } from '@plasticity/datasets';
import { packedSamples } from './host-samples.js';
import type { HostSamples } from './host-samples.js';

// Bound once: inside test runners' vm contexts every global lookup (`Math`) is slow.
const { round } = Math;

/** Latency code for dense features (see `latencyTimes` in @plasticity/datasets). Times in ms. */
export interface EncoderSettings {
  readonly t0: number;
  readonly span: number;
  readonly invert: boolean;
  readonly threshold?: number;
  readonly bias?: { readonly time: number };
  /** Grid the spike times are rounded to, ms (none: exact). */
  readonly resolution?: number;
}

/** How the learner turns its task's inputs into spikes. */
export type InputCoding =
  | {
      readonly kind: 'dense';
      readonly features: number;
      readonly encoder: EncoderSettings;
      readonly duration: number;
    }
  | { readonly kind: 'events'; readonly channels: number };

/** Input channels the network sees: features (+1 for the bias channel), or event channels. */
export function inputChannels(coding: InputCoding): number {
  return coding.kind === 'events' ? coding.channels : coding.features + (coding.encoder.bias ? 1 : 0);
}

/** Packs per-sample (time, unit) lists, sorting each sample by time then unit. */
function packed(times: Float32Array, batch: number, channels: number): HostSamples {
  const offsets = new Int32Array(batch + 1);
  for (let b = 0; b < batch; b++) {
    let n = 0;
    for (let u = 0; u < channels; u++) if (!Number.isNaN(times[b * channels + u])) n++;
    offsets[b + 1] = offsets[b] + n;
  }
  const allTimes = new Float64Array(offsets[batch]);
  const allUnits = new Int32Array(offsets[batch]);
  const order: number[] = [];
  for (let b = 0; b < batch; b++) {
    order.length = 0;
    const row = b * channels;
    for (let u = 0; u < channels; u++) if (!Number.isNaN(times[row + u])) order.push(u);
    order.sort((x, y) => times[row + x] - times[row + y] || x - y);
    order.forEach((u, k) => {
      allTimes[offsets[b] + k] = times[row + u];
      allUnits[offsets[b] + k] = u;
    });
  }
  return packedSamples(offsets, allTimes, allUnits);
}

function denseFromValues(
  values: ArrayLike<number>,
  batch: number,
  coding: InputCoding & { kind: 'dense' },
): HostSamples {
  const { features, encoder, duration } = coding;
  // One grid step as long as the window: latencyTimes then rejects spikes past the window.
  const code = latencyTimes(
    { data: values, shape: [batch, features] },
    { ...encoder, dt: duration, steps: 1 },
  );
  const grid = encoder.resolution;
  if (grid !== undefined) {
    // NaN (no spike) stays NaN.
    const { times } = code;
    for (let k = 0; k < times.length; k++) times[k] = round(times[k] / grid) * grid;
  }
  return packed(code.times, batch, code.channels);
}

function checkTensor(x: tf.Tensor, features: number): number {
  const batch = x.shape[0] ?? 0;
  if (x.rank < 1 || x.size !== batch * features) {
    throw new PlasticityError(
      'E_SHAPE',
      `eventprop expects ${features} features per sample, got shape [${x.shape}]`,
      {
        expected: features,
        shape: x.shape,
      },
    );
  }
  return batch;
}

function eventsFrom(x: EventBatch, channels: number): HostSamples {
  if (x.channels !== channels) {
    throw new PlasticityError(
      'E_SHAPE',
      `eventprop expects events over ${channels} channels, got ${x.channels}`,
      {
        expected: channels,
        got: x.channels,
      },
    );
  }
  return packedSamples(x.offsets, x.times, x.units);
}

function wrongKind(coding: InputCoding): PlasticityError {
  return new PlasticityError(
    'E_SHAPE',
    coding.kind === 'dense'
      ? 'eventprop was created for dense features; this batch holds event lists'
      : 'eventprop was created for event lists; this batch holds a tensor',
  );
}

/** A batch's input spikes, downloading a dense tensor asynchronously. */
export async function hostSamples(x: BatchInput, coding: InputCoding): Promise<HostSamples> {
  if (coding.kind === 'events') {
    if (!isEventBatch(x)) throw wrongKind(coding);
    return eventsFrom(x, coding.channels);
  }
  if (isEventBatch(x)) throw wrongKind(coding);
  const batch = checkTensor(x, coding.features);
  return denseFromValues(await x.data(), batch, coding);
}
