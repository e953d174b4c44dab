import { describe, expect, test } from '@jest/globals';
import { createRng } from '@plasticity/core-tensors';
import type { SpikeEvents } from '@plasticity/core-tensors';
import { isEventOrder } from '../events/sort.js';
import { tinyMnist } from '../testing/mnist-fixture.js';
import type { DvsOptions, DvsScene } from './emulator.js';
import { DVS_DEFAULTS, dvsOptions, dvsSensor, recordDvs } from './emulator.js';
import { MNIST_DVS_CHANNELS, movingDigitEvents, pathOffset, saccadePath } from './moving-digit.js';

const QUIET: DvsOptions = { thresholdMismatch: 0, noiseRate: 0, refractory: 0 };

function record(scene: DvsScene, options: DvsOptions, seed = 1): SpikeEvents {
  const rng = createRng(seed);
  return recordDvs(scene, dvsSensor(scene.width, scene.height, options, rng.fork('sensor')), options, rng);
}

/** A `width × 1` scene whose intensity at pixel x and time t is `intensity(x, t)`. */
function rowScene(width: number, duration: number, intensity: (x: number, t: number) => number): DvsScene {
  return {
    width,
    height: 1,
    duration,
    render(t, out) {
      for (let x = 0; x < width; x++) out[x] = intensity(x, t);
    },
  };
}

const onCount = (e: SpikeEvents, pixels: number) => e.units.filter((u) => u >= pixels).length;

describe('DVS pixel model', () => {
  test('a static scene gives no events without noise, and Poisson background noise of both polarities with it', () => {
    const still = rowScene(50, 1000, (x) => (x % 7) / 7);
    expect(record(still, { noiseRate: 0 }).times.length).toBe(0);
    const noisy = record(still, { noiseRate: 20 });
    // 50 pixels × 1 s × 20 Hz = 1000 expected; Poisson sd ≈ 32.
    expect(Math.abs(noisy.times.length - 1000)).toBeLessThan(130);
    const on = onCount(noisy, 50);
    expect(on / noisy.times.length).toBeGreaterThan(0.4);
    expect(on / noisy.times.length).toBeLessThan(0.6);
  });

  test('an edge moving onto dark pixels gives ON events only; moving away, OFF events only', () => {
    const width = 20;
    // A bright half-plane whose edge moves right (brightening pixels) or left (darkening them).
    const right = record(
      rowScene(width, 100, (x, t) => (x < 2 + (16 * t) / 100 ? 1 : 0)),
      {},
    );
    const left = record(
      rowScene(width, 100, (x, t) => (x < 18 - (16 * t) / 100 ? 1 : 0)),
      {},
    );
    expect(right.times.length).toBeGreaterThan(100);
    expect(onCount(right, width)).toBe(right.times.length);
    expect(left.times.length).toBeGreaterThan(100);
    expect(onCount(left, width)).toBe(0);
  });

  test('a pixel crossing Δ log intensity emits ⌊Δ/θ⌋ events, at the interpolated crossing times', () => {
    // Intensity rises so that ln(I + ε) grows linearly from ln(0.1) by 2.45 over 100 ms.
    const epsilon = DVS_DEFAULTS.logOffset;
    const rise = 2.45; // not a multiple of any θ below: no crossing sits on a float boundary
    const scene = rowScene(
      1,
      101,
      (_, t) => Math.exp(Math.log(epsilon) + (rise * Math.min(t, 100)) / 100) - epsilon,
    );
    for (const threshold of [0.1, 0.2, 0.4, 0.7]) {
      const events = record(scene, { ...QUIET, threshold, step: 3 });
      const expected = Math.floor(rise / threshold + 1e-9);
      expect(events.times.length).toBe(expected);
      // The k-th crossing is at k·θ/rise of the ramp: linear interpolation is exact here.
      const exact = Array.from({ length: expected }, (_, k) => (100 * (k + 1) * threshold) / rise);
      Array.from(events.times).forEach((t, k) => expect(t).toBeCloseTo(exact[k], 3));
    }
  });

  test('the refractory period spaces a pixel’s events and delays, not drops, a crossing', () => {
    // A fast ramp: 12 crossings of 0.2 within 2 ms.
    const epsilon = DVS_DEFAULTS.logOffset;
    const scene = rowScene(1, 50, (_, t) => Math.exp(Math.log(epsilon) + 2.4 * Math.min(t / 2, 1)) - epsilon);
    const free = record(scene, { ...QUIET, step: 0.25 });
    const gaps = (e: SpikeEvents) => Array.from(e.times.subarray(1), (t, k) => t - e.times[k]);
    expect(Math.min(...gaps(free))).toBeLessThan(0.5);
    const refractory = 1.5;
    const held = record(scene, { ...QUIET, step: 0.25, refractory });
    expect(held.times.length).toBe(free.times.length); // the signal stays up: every crossing fires, later
    for (const gap of gaps(held)) expect(gap).toBeGreaterThanOrEqual(refractory - 1e-4);
    // Noise events obey it too.
    const noisy = record(
      rowScene(3, 2000, () => 0.5),
      { noiseRate: 300, refractory: 2 },
    );
    for (let pixel = 0; pixel < 3; pixel++) {
      const own = Array.from(noisy.times).filter((_, k) => noisy.units[k] % 3 === pixel);
      own.slice(1).forEach((t, k) => expect(t - own[k]).toBeGreaterThanOrEqual(2 - 1e-4));
    }
  });

  test('threshold mismatch varies the per-pixel thresholds around θ; bad options are E_CONFIG', () => {
    const sensor = dvsSensor(40, 40, { threshold: 0.3, thresholdMismatch: 0.05 }, createRng(3));
    const mean = sensor.on.reduce((a, b) => a + b, 0) / sensor.on.length;
    const sd = Math.sqrt(sensor.on.reduce((a, b) => a + (b - mean) ** 2, 0) / sensor.on.length);
    expect(mean).toBeCloseTo(0.3, 2);
    expect(sd).toBeGreaterThan(0.04);
    expect(sd).toBeLessThan(0.06);
    expect(Array.from(sensor.off)).not.toEqual(Array.from(sensor.on));
    expect(() => dvsOptions({ threshold: 0 })).toThrow(/threshold must be a finite number > 0, got 0/);
    expect(() => dvsOptions({ refractory: -1 })).toThrow(/refractory must be a finite number ≥ 0/);
  });
});

describe('moving digits', () => {
  test('saccades: three raised-cosine moves around a jittered triangle, back to the start', () => {
    const path = saccadePath({ jitter: 0 }, createRng(0));
    expect(pathOffset(path, 0)).toEqual(path.corners[0]);
    expect(pathOffset(path, 100)[0]).toBeCloseTo(path.corners[1][0], 10);
    expect(pathOffset(path, 300)[1]).toBeCloseTo(path.corners[0][1], 10);
    const [x, y] = pathOffset(path, 50); // halfway along the first side
    expect(x).toBeCloseTo((path.corners[0][0] + path.corners[1][0]) / 2, 10);
    expect(y).toBeCloseTo(path.corners[0][1], 10);
  });

  test('MNIST images give sorted, deterministic event lists of both polarities, per sample independent of the batch', () => {
    const tiny = tinyMnist(3, 1);
    const shape = { count: 3, rows: 28, cols: 28 };
    const batch = movingDigitEvents(tiny.trainImages, shape, { saccade: 30 }, 7);
    expect([batch.size, batch.channels, batch.duration]).toEqual([3, MNIST_DVS_CHANNELS, 90]);
    for (let b = 0; b < 3; b++) {
      const units = batch.units.subarray(batch.offsets[b], batch.offsets[b + 1]);
      const times = batch.times.subarray(batch.offsets[b], batch.offsets[b + 1]);
      expect(isEventOrder(times, units)).toBe(true);
      expect(units.some((u) => u >= MNIST_DVS_CHANNELS / 2)).toBe(true);
      expect(units.some((u) => u < MNIST_DVS_CHANNELS / 2)).toBe(true);
    }
    const again = movingDigitEvents(tiny.trainImages, shape, { saccade: 30 }, 7);
    expect(Array.from(again.units)).toEqual(Array.from(batch.units));
    const first = movingDigitEvents(tiny.trainImages, { ...shape, count: 1 }, { saccade: 30 }, 7);
    expect(Array.from(first.times)).toEqual(Array.from(batch.times.subarray(0, batch.offsets[1])));
    const otherSeed = movingDigitEvents(tiny.trainImages, shape, { saccade: 30 }, 8);
    expect(Array.from(otherSeed.times)).not.toEqual(Array.from(batch.times));
  });
});
