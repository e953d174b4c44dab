import { PlasticityError, createRng, packEventBatch } from '@plasticity/core-tensors';
import type { EventBatch, Rng, SpikeEvents } from '@plasticity/core-tensors';
import type { DvsOptions, DvsScene, DvsSensor } from './emulator.js';
import { dvsSensor, recordDvs } from './emulator.js';

/** The sensor is 34 × 34 pixels, as N-MNIST's crop: a 28 × 28 digit with 3 pixels to move in. */
export const MNIST_DVS_SIZE = 34;
/** Channels of an emulated sample: 34 · 34 pixels × 2 polarities (OFF plane first, as N-MNIST). */
export const MNIST_DVS_CHANNELS = MNIST_DVS_SIZE * MNIST_DVS_SIZE * 2;

/**
 * The images the `mnist-dvs` data set records by default: the first 2000 training and 500
 * test MNIST images (about 30 s to emulate at 13 ms a sample on one core, 5000 events a sample, and a training epoch of the spike-event rule in
 * tens of seconds on two cores). The `limit` load option changes it.
 */
export const MNIST_DVS_DEFAULT_LIMIT = { train: 2000, test: 500 } as const;

/**
 * How the digit moves in front of the sensor: three saccades along a triangle, as the
 * pan-tilt unit moved the camera for N-MNIST (Orchard et al. 2015), each with a smooth
 * (raised-cosine) velocity profile.
 */
export interface SaccadeOptions {
  /** Duration of one saccade, ms (default 100, N-MNIST's). */
  readonly saccade?: number;
  /** Side of the triangle, pixels (default 3). */
  readonly amplitude?: number;
  /** Each corner of a sample's triangle moves by a uniform draw in ±jitter pixels (default 0.5). */
  readonly jitter?: number;
}

/** Saccades per recording: the three sides of the triangle. */
const SACCADES = 3;

export const SACCADE_DEFAULTS: Required<SaccadeOptions> = { saccade: 100, amplitude: 3, jitter: 0.5 };

/** Emulator and motion settings of a moving-digit recording. */
export interface MovingDigitOptions extends DvsOptions, SaccadeOptions {}

/** A path of `corners.length` saccades, each from one corner to the next (closing the loop). */
export interface SaccadePath {
  /** Corner offsets `[dx, dy]` of the digit from the centre, pixels. */
  readonly corners: readonly (readonly [number, number])[];
  readonly saccade: number;
}

/** A triangle of side `amplitude` around the centre, each corner jittered by ±`jitter` from `rng`. */
export function saccadePath(options: SaccadeOptions, rng: Rng): SaccadePath {
  const { saccade, amplitude, jitter } = { ...SACCADE_DEFAULTS, ...options };
  for (const [field, value] of Object.entries({ saccade, amplitude, jitter })) {
    if (!(Number.isFinite(value) && value >= 0 && (field !== 'saccade' || value > 0))) {
      throw new PlasticityError(
        'E_CONFIG',
        `moving digit: ${field} must be a finite number ≥ 0 (saccade > 0), got ${value}`,
        {
          field,
        },
      );
    }
  }
  const h = (amplitude * Math.sqrt(3)) / 2;
  const triangle: [number, number][] = [
    [-amplitude / 2, h / 3],
    [amplitude / 2, h / 3],
    [0, (-2 * h) / 3],
  ];
  const corners = triangle.map(([x, y]): [number, number] => [
    x + (2 * rng.uniform() - 1) * jitter,
    y + (2 * rng.uniform() - 1) * jitter,
  ]);
  return { corners, saccade };
}

/** The digit's offset at time `t` ms: raised-cosine motion from corner to corner. */
export function pathOffset(path: SaccadePath, t: number): [number, number] {
  const n = path.corners.length;
  const k = Math.min(Math.floor(t / path.saccade), n - 1);
  const s = Math.min(1, t / path.saccade - k);
  const w = (1 - Math.cos(Math.PI * s)) / 2;
  const [ax, ay] = path.corners[k];
  const [bx, by] = path.corners[(k + 1) % n];
  return [ax + w * (bx - ax), ay + w * (by - ay)];
}

/**
 * A `rows × cols` uint8 image centred on a `size × size` black canvas, shifted by the path's
 * sub-pixel offset at each time (bilinear interpolation, black outside the image).
 */
export function movingImageScene(
  image: Uint8Array,
  rows: number,
  cols: number,
  path: SaccadePath,
  size = MNIST_DVS_SIZE,
): DvsScene {
  const top = (size - rows) / 2;
  const left = (size - cols) / 2;
  const { floor } = Math; // a module-scope read in the pixel loop (see the emulator's note on globals)
  const pixel = (r: number, c: number) =>
    r >= 0 && r < rows && c >= 0 && c < cols ? image[r * cols + c] / 255 : 0;
  return {
    width: size,
    height: size,
    duration: path.saccade * path.corners.length,
    render(t, out) {
      const [dx, dy] = pathOffset(path, t);
      for (let y = 0; y < size; y++) {
        const sy = y - top - dy;
        const r = floor(sy);
        const fy = sy - r;
        for (let x = 0; x < size; x++) {
          const sx = x - left - dx;
          const c = floor(sx);
          const fx = sx - c;
          out[y * size + x] =
            (1 - fy) * ((1 - fx) * pixel(r, c) + fx * pixel(r, c + 1)) +
            fy * ((1 - fx) * pixel(r + 1, c) + fx * pixel(r + 1, c + 1));
        }
      }
    },
  };
}

/**
 * Emulated DVS recordings of `count` images (`rows × cols` uint8, row-major) moved along
 * saccades, packed as an event batch (2 · 34² channels, window 3 saccades). One sensor (its
 * threshold mismatch) is drawn from `seed`; sample `i`'s path and noise from `seed` and `i`
 * alone, so a sample does not depend on which others are recorded with it.
 */
export function movingDigitEvents(
  images: Uint8Array,
  shape: { readonly count: number; readonly rows: number; readonly cols: number },
  options: MovingDigitOptions,
  seed: number,
): EventBatch {
  const { count, rows, cols } = shape;
  if (rows > MNIST_DVS_SIZE || cols > MNIST_DVS_SIZE || images.length < count * rows * cols) {
    throw new PlasticityError(
      'E_SHAPE',
      `moving digit: need ${count} images of at most ${MNIST_DVS_SIZE}×${MNIST_DVS_SIZE}, got ${images.length} bytes for ${count}×${rows}×${cols}`,
    );
  }
  const rng = createRng(seed);
  const sensor: DvsSensor = dvsSensor(MNIST_DVS_SIZE, MNIST_DVS_SIZE, options, rng.fork('sensor'));
  const samples: SpikeEvents[] = [];
  const duration = SACCADES * (options.saccade ?? SACCADE_DEFAULTS.saccade);
  for (let i = 0; i < count; i++) {
    const sampleRng = rng.fork(i);
    const path = saccadePath(options, sampleRng.fork('path'));
    const image = images.subarray(i * rows * cols, (i + 1) * rows * cols);
    const scene = movingImageScene(image, rows, cols, path);
    samples.push(recordDvs(scene, sensor, options, sampleRng.fork('noise')));
  }
  return packEventBatch(samples, MNIST_DVS_CHANNELS, duration);
}
