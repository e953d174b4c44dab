// A tiny synthetic event-camera task in the N-MNIST event layout (x, y, polarity, timestamp in
// µs on a small sensor), and the binning of such events into frames [T, H, W, 2] that the
// learning test needs. (The package's own event binning is another module's job.)
import type { Rng } from '@plasticity/core-tensors';

/** One recording's events, N-MNIST style: polarity 1 = brighter (ON), 0 = darker (OFF). */
export interface DvsEvents {
  readonly x: Int32Array;
  readonly y: Int32Array;
  readonly polarity: Uint8Array;
  /** Microseconds from the start of the recording. */
  readonly timestamp: Float64Array;
}

export const CLASSES = ['bar moving right', 'bar moving left', 'bar moving down'] as const;

/**
 * A one-pixel-wide bar of random extent crossing part of a `size`×`size` sensor in `duration`
 * µs: each move lights the new position (ON events) and darkens the old one (OFF events).
 * Events are dropped with probability 0.2 and 15% uniform noise events are added.
 */
export function movingBar(label: number, rng: Rng, size: number, duration: number): DvsEvents {
  const events: { x: number; y: number; polarity: number; timestamp: number }[] = [];
  const moves = size - 3;
  const start = rng.int(2);
  const lo = rng.int(3);
  const hi = size - 1 - rng.int(3);
  const reverse = label === 1;
  for (let m = 0; m < moves; m++) {
    const from = start + (reverse ? moves - m : m);
    const to = from + (reverse ? -1 : 1);
    const time = ((m + 0.5) / moves) * duration;
    for (let along = lo; along <= hi; along++) {
      for (const [line, polarity] of [
        [to, 1],
        [from, 0],
      ]) {
        if (rng.uniform() < 0.2) continue;
        const [x, y] = label === 2 ? [along, line] : [line, along];
        events.push({ x, y, polarity, timestamp: time + (rng.uniform() - 0.5) * (duration / moves) * 0.5 });
      }
    }
  }
  const noise = Math.round(0.15 * events.length);
  for (let k = 0; k < noise; k++) {
    events.push({
      x: rng.int(size),
      y: rng.int(size),
      polarity: rng.int(2),
      timestamp: rng.uniform() * duration,
    });
  }
  events.sort((a, b) => a.timestamp - b.timestamp);
  return {
    x: Int32Array.from(events, (e) => e.x),
    y: Int32Array.from(events, (e) => e.y),
    polarity: Uint8Array.from(events, (e) => e.polarity),
    timestamp: Float64Array.from(events, (e) => e.timestamp),
  };
}

/**
 * Event counts per time bin, pixel and polarity, written into `out` at `offset` in the layout
 * `[steps, H, W, 2]` (channel 0 OFF, 1 ON), clipped to 1 so a frame is a spike map.
 */
export function binEvents(
  events: DvsEvents,
  size: number,
  steps: number,
  duration: number,
  out: Float32Array,
  offset: (step: number) => number,
): void {
  for (let k = 0; k < events.x.length; k++) {
    const step = Math.min(steps - 1, Math.max(0, Math.floor((events.timestamp[k] / duration) * steps)));
    out[offset(step) + (events.y[k] * size + events.x[k]) * 2 + events.polarity[k]] = 1;
  }
}

/** A batch of `labels.length` recordings binned time-major: `[steps, B, size, size, 2]`. */
export function eventFrames(
  labels: readonly number[],
  rng: Rng,
  size: number,
  steps: number,
  duration: number,
): Float32Array {
  const frame = size * size * 2;
  const batch = labels.length;
  const out = new Float32Array(steps * batch * frame);
  labels.forEach((label, b) => {
    const events = movingBar(label, rng, size, duration);
    binEvents(events, size, steps, duration, out, (step) => (step * batch + b) * frame);
  });
  return out;
}
