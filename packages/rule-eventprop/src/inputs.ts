import type * as tf from '@tensorflow/tfjs-core';
import { PlasticityError, isEventBatch } from '@plasticity/core-tensors';
import type { BatchInput, EventBatch } from '@plasticity/core-tensors';
import { latencyPacked, latencyTimes, packedSamples } from '@plasticity/neurons';
import type { HostSamples } from '@plasticity/neurons';

// Bound once: inside test runners' vm contexts every global lookup (`Math`) is slow.
const { round } = Math;

/** Latency code for dense features (see `latencyTimes` in @plasticity/neurons). Times in ms. */
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

/** Latency-coded spikes of dense features `values [batch, features]` (what a worker thread runs on its slice). */
export function denseSamples(
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
  const { offsets, times, units } = latencyPacked(code);
  return packedSamples(offsets, times, units);
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
  return denseSamples(await x.data(), batch, coding);
}

/** Dense features not yet coded: EventProp's threads each code their own slice. */
export interface DenseFeatures {
  readonly kind: 'dense';
  readonly values: Float32Array;
  readonly size: number;
}

/**
 * A batch's input for `EngineThreads`: dense features downloaded but not yet coded (the threads
 * code their slices in parallel), or the spikes of an event batch.
 */
export async function threadInput(x: BatchInput, coding: InputCoding): Promise<DenseFeatures | HostSamples> {
  if (coding.kind === 'events') return hostSamples(x, coding);
  if (isEventBatch(x)) throw wrongKind(coding);
  const size = checkTensor(x, coding.features);
  const data = await x.data();
  return { kind: 'dense', values: data instanceof Float32Array ? data : Float32Array.from(data), size };
}
