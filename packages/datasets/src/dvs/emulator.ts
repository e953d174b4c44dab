import { PlasticityError } from '@plasticity/core-tensors';
import type { Rng, SpikeEvents } from '@plasticity/core-tensors';
import { sortEvents } from '../events/sort.js';

/**
 * Pixel model of a dynamic vision sensor (DVS) emulator, in the manner of v2e (Hu et al.,
 * CVPRW 2021) and ESIM (Rebecq et al., CoRL 2018): each pixel remembers the log intensity at
 * its last event and emits an ON (OFF) event each time the log intensity has risen (fallen) by
 * its contrast threshold since then. Times in ms.
 */
export interface DvsOptions {
  /**
   * Contrast threshold θ, in log-intensity units, for ON and OFF alike (default 0.2, v2e's
   * default `pos_thres`/`neg_thres`; real DVS pixels are set between about 0.15 and 0.5).
   */
  readonly threshold?: number;
  /**
   * Per-pixel threshold mismatch: each pixel's ON and OFF thresholds are drawn once per sensor
   * from N(θ, σ²), clipped below at 0.01 (default σ = 0.03, v2e's `sigma_thres`).
   */
  readonly thresholdMismatch?: number;
  /**
   * Refractory period, ms: a pixel emits no event sooner than this after its previous one; a
   * crossing that falls inside it fires when the period ends, unless the signal has turned back
   * (default 0.5 ms, v2e's `refractory_period`).
   */
  readonly refractory?: number;
  /**
   * Background-activity noise, events per pixel per second, of random polarity, as a Poisson
   * process per pixel (subject to the refractory period). Default 0.1 Hz: the order of the
   * background rate of real DVS pixels under indoor light (v2e's separate leak and shot-noise
   * defaults are 0.01 and 0.001 Hz; we take a rate that shows a little noise in a 300 ms clip).
   */
  readonly noiseRate?: number;
  /**
   * Offset ε of the log: a pixel of intensity I ∈ [0, 1] has log intensity ln(I + ε), so a black
   * pixel is finite and dark-region quantisation does not flood events (default 0.1; v2e uses a
   * linear segment below 20/255 for the same reason). A black-to-white edge is ln(11) ≈ 2.4, 12
   * thresholds of 0.2.
   */
  readonly logOffset?: number;
  /**
   * Rendering step, ms (default 1): the scene is rendered every step, and crossing times in
   * between are interpolated linearly in log intensity (as ESIM does).
   */
  readonly step?: number;
}

/** Every field of {@link DvsOptions} with its default. */
export const DVS_DEFAULTS: Required<DvsOptions> = {
  threshold: 0.2,
  thresholdMismatch: 0.03,
  refractory: 0.5,
  noiseRate: 0.1,
  logOffset: 0.1,
  step: 1,
};

/** A scene the sensor watches: `render(t, out)` writes intensities in [0, 1] at time `t` ms, row-major. */
export interface DvsScene {
  readonly width: number;
  readonly height: number;
  /** Recording window, ms; events lie in [0, duration). */
  readonly duration: number;
  render(t: number, out: Float32Array): void;
}

/** A sensor's fixed per-pixel ON and OFF thresholds. */
export interface DvsSensor {
  readonly width: number;
  readonly height: number;
  readonly on: Float32Array;
  readonly off: Float32Array;
}

const MIN_THRESHOLD = 0.01;

// The per-pixel loop reads these as module constants: a global lookup (`Math.max`) is many times
// slower where the code runs in a vm context (Jest's test environment).
const { log, min, max } = Math;

function checkOption(field: keyof DvsOptions, value: number, positive: boolean): void {
  if (!(Number.isFinite(value) && (positive ? value > 0 : value >= 0))) {
    throw new PlasticityError(
      'E_CONFIG',
      `DVS emulator: ${field} must be a finite number ${positive ? '> 0' : '≥ 0'}, got ${value}`,
      { field },
    );
  }
}

/** The options with defaults filled in, each checked (E_CONFIG naming the field). */
export function dvsOptions(options: DvsOptions = {}): Required<DvsOptions> {
  const full = { ...DVS_DEFAULTS, ...options };
  checkOption('threshold', full.threshold, true);
  checkOption('thresholdMismatch', full.thresholdMismatch, false);
  checkOption('refractory', full.refractory, false);
  checkOption('noiseRate', full.noiseRate, false);
  checkOption('logOffset', full.logOffset, true);
  checkOption('step', full.step, true);
  return full;
}

/** A sensor of `width × height` pixels with thresholds drawn from `rng` (fixed for its lifetime). */
export function dvsSensor(width: number, height: number, options: DvsOptions, rng: Rng): DvsSensor {
  const { threshold, thresholdMismatch } = dvsOptions(options);
  const draw = () =>
    thresholdMismatch === 0
      ? new Float32Array(width * height).fill(threshold)
      : rng.normalArray(width * height, threshold, thresholdMismatch).map((v) => Math.max(MIN_THRESHOLD, v));
  return { width, height, on: draw(), off: draw() };
}

/** The channel of an event: `polarity · width · height + y · width + x` (OFF plane, then ON). */
export function dvsChannel(sensor: { width: number; height: number }, pixel: number, on: boolean): number {
  return (on ? sensor.width * sensor.height : 0) + pixel;
}

/**
 * Records `scene` with `sensor`: events sorted by time then channel (channels as
 * {@link dvsChannel}, 2 · width · height of them). Noise draws come from `rng`.
 */
export function recordDvs(scene: DvsScene, sensor: DvsSensor, options: DvsOptions, rng: Rng): SpikeEvents {
  const { refractory, noiseRate, logOffset, step } = dvsOptions(options);
  if (scene.width !== sensor.width || scene.height !== sensor.height) {
    throw new PlasticityError(
      'E_SHAPE',
      `DVS emulator: scene is ${scene.width}×${scene.height}, sensor ${sensor.width}×${sensor.height}`,
    );
  }
  const pixels = scene.width * scene.height;
  const frame = new Float32Array(pixels);
  const logOf = (v: number) => log(v + logOffset);
  scene.render(0, frame);
  const previous = Float64Array.from(frame, logOf);
  const reference = Float64Array.from(previous);
  const lastEvent = new Float64Array(pixels).fill(-Infinity);
  const noiseInterval = () => (-Math.log(1 - rng.uniform()) * 1000) / noiseRate;
  const nextNoise = Float64Array.from({ length: pixels }, () => (noiseRate > 0 ? noiseInterval() : Infinity));
  const times: number[] = [];
  const units: number[] = [];
  const emit = (t: number, pixel: number, on: boolean) => {
    times.push(t);
    units.push(dvsChannel(sensor, pixel, on));
    lastEvent[pixel] = t;
  };
  const steps = Math.ceil(scene.duration / step);
  for (let s = 1; s <= steps; s++) {
    const t0 = (s - 1) * step;
    const t1 = Math.min(s * step, scene.duration);
    scene.render(t1, frame);
    for (let p = 0; p < pixels; p++) {
      const from = previous[p];
      const to = logOf(frame[p]);
      // Each threshold crossing since the last event, at its interpolated time, delayed to the
      // end of the refractory period; a crossing delayed past this step waits for the next.
      for (;;) {
        const change = to - reference[p];
        const on = change >= sensor.on[p];
        if (!on && change > -sensor.off[p]) break;
        const level = reference[p] + (on ? sensor.on[p] : -sensor.off[p]);
        const fraction = to === from ? 0 : min(1, max(0, (level - from) / (to - from)));
        const t = max(t0 + fraction * (t1 - t0), lastEvent[p] + refractory);
        if (t > t1) break;
        emit(t, p, on);
        reference[p] = level;
      }
      previous[p] = to;
      const noiseAt = max(nextNoise[p], lastEvent[p] + refractory);
      if (noiseAt <= t1) {
        emit(noiseAt, p, rng.uniform() < 0.5);
        nextNoise[p] = noiseAt + noiseInterval();
      }
    }
  }
  // The last step ends at `duration`; its events (and any a float32 time rounds up to it) are outside the window.
  const inside = times.flatMap((t, k) => (Math.fround(t) < scene.duration ? [k] : []));
  const events = {
    times: Float32Array.from(inside, (k) => times[k]),
    units: Int32Array.from(inside, (k) => units[k]),
  };
  sortEvents(events.times, events.units);
  return events;
}
