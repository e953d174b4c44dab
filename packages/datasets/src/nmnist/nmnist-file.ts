import type { SpikeEvents } from '@plasticity/core-tensors';
import { sortEvents } from '../events/sort.js';
import { formatError } from '../io/errors.js';

/** Window, ms: a recording is three 100 ms saccades; the little that runs later is dropped. */
export const NMNIST_DURATION = 350;
/** N-MNIST's ATIS crop is 34 × 34 pixels. */
export const NMNIST_SIZE = 34;
/** Channels of an N-MNIST sample: 34 · 34 pixels × 2 polarities. */
export const NMNIST_CHANNELS = NMNIST_SIZE * NMNIST_SIZE * 2;
/** A `y` of 240 marks a timestamp overflow, not an event (Orchard et al.'s reader). */
const OVERFLOW_Y = 240;
/** Each overflow marker adds 2^13 µs to later timestamps (as in Orchard's `Read_Ndataset.m`). */
const OVERFLOW_STEP_US = 2 ** 13;

/** The channel of an event: `polarity · 34² + y · 34 + x` (polarity planes, rows of pixels). */
export function nmnistChannel(x: number, y: number, polarity: number): number {
  return (polarity * NMNIST_SIZE + y) * NMNIST_SIZE + x;
}

/** Raw events of one recording, in file order. Timestamps in µs. */
export interface NmnistEvents {
  readonly x: Uint8Array;
  readonly y: Uint8Array;
  /** 1 = ON (brighter), 0 = OFF. */
  readonly polarity: Uint8Array;
  readonly timestamps: Float64Array;
}

/**
 * Parses the N-MNIST binary format (Orchard et al. 2015): 5 bytes (40 bits) per event,
 * big-endian bit fields: x (8 bits), y (8), polarity (1), timestamp (23, µs). Events with
 * y = 240 are timestamp-overflow markers (each adds 2^13 µs to what follows) and are removed.
 * A length that is not a multiple of 5 (truncated) or a pixel outside 34 × 34 is E_DATA_FORMAT.
 */
export function parseNmnist(bytes: Uint8Array, source: string): NmnistEvents {
  if (bytes.length % 5 !== 0) {
    throw formatError(source, `has ${bytes.length} bytes, not a whole number of 5-byte events (truncated?)`);
  }
  const total = bytes.length / 5;
  const x = new Uint8Array(total);
  const y = new Uint8Array(total);
  const polarity = new Uint8Array(total);
  const timestamps = new Float64Array(total);
  let overflow = 0;
  let n = 0;
  for (let e = 0; e < total; e++) {
    const o = e * 5;
    if (bytes[o + 1] === OVERFLOW_Y) {
      overflow += OVERFLOW_STEP_US;
      continue;
    }
    if (bytes[o] >= NMNIST_SIZE || bytes[o + 1] >= NMNIST_SIZE) {
      throw formatError(
        source,
        `event ${e} is at pixel (${bytes[o]}, ${bytes[o + 1]}), outside ${NMNIST_SIZE} × ${NMNIST_SIZE}`,
        { event: e },
      );
    }
    x[n] = bytes[o];
    y[n] = bytes[o + 1];
    polarity[n] = bytes[o + 2] >> 7;
    timestamps[n] = overflow + (((bytes[o + 2] & 0x7f) << 16) | (bytes[o + 3] << 8) | bytes[o + 4]);
    n++;
  }
  return {
    x: x.slice(0, n),
    y: y.slice(0, n),
    polarity: polarity.slice(0, n),
    timestamps: timestamps.slice(0, n),
  };
}

/** Encodes events in the N-MNIST binary format (for tests and for writing subsets). */
export function encodeNmnist(events: NmnistEvents): Uint8Array {
  const n = events.x.length;
  const out = new Uint8Array(n * 5);
  for (let e = 0; e < n; e++) {
    const t = events.timestamps[e];
    if (!(Number.isInteger(t) && t >= 0 && t < 2 ** 23)) {
      throw formatError('encodeNmnist', `timestamp ${t} µs of event ${e} does not fit in 23 bits`);
    }
    out.set(
      [events.x[e], events.y[e], (events.polarity[e] << 7) | (t >> 16), (t >> 8) & 0xff, t & 0xff],
      e * 5,
    );
  }
  return out;
}

/**
 * One recording as a sample: times in ms (µs / 1000), channels by {@link nmnistChannel}, ordered
 * by time then channel. Events at or after `duration` ms are dropped (counted in `dropped`).
 */
export function nmnistSample(
  events: NmnistEvents,
  duration: number,
): SpikeEvents & { readonly dropped: number } {
  const times = Float32Array.from(events.timestamps, (t) => t / 1000);
  const units = Int32Array.from(events.x, (x, e) => nmnistChannel(x, events.y[e], events.polarity[e]));
  sortEvents(times, units);
  let kept = times.length;
  while (kept > 0 && times[kept - 1] >= duration) kept--;
  return { times: times.slice(0, kept), units: units.slice(0, kept), dropped: times.length - kept };
}
