import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '@plasticity/core-tensors';
import type { RawInputSpec } from './raw-inputs.js';

/**
 * A JSON record of how raw features become model inputs `[N, ...inputShape]`. Stored with a run
 * so that new raw data (e.g. from `.npy`) gets exactly what training applied.
 */
export type PreprocessSpec =
  /** Features go in as they are. */
  (
    | { readonly kind: 'identity'; readonly inputShape: readonly number[] }
    /**
     * `fround(value · factor)` (MNIST: raw pixels 0–255, factor 1/255). Raw samples may be shaped
     * any way with the right element count (`[N, 28, 28]` for `inputShape [784]`); values must
     * lie in `rawRange` when given.
     */
    | {
        readonly kind: 'scale';
        readonly factor: number;
        readonly inputShape: readonly number[];
        readonly rawRange?: readonly [number, number];
      }
    /**
     * Mirror coding (Yin-Yang): raw `[N, k]` becomes `[x, 1 − x]` per sample (`[x, y, 1−x, 1−y]`);
     * raw `[N, 2k]` is taken as already mirrored.
     */
    | { readonly kind: 'mirror'; readonly inputShape: readonly [number] }
  ) & {
    /** The raw inputs the data set gives (dtype, range, shape), checked by `checkRawInputs`. */
    readonly raw?: RawInputSpec;
  };

export interface RawFeatures {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
}

const prod = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

function shapeError(spec: PreprocessSpec, raw: RawFeatures, accepted: string): PlasticityError {
  return new PlasticityError(
    'E_SHAPE',
    `features of shape ${fmt(raw.shape)} do not fit preprocessing '${spec.kind}': expected ${accepted}`,
    { shape: [...raw.shape], inputShape: [...spec.inputShape] },
  );
}

/** The element-wise step of a scale spec, shared by dataset loading and {@link preprocessFeatures}. */
export function scaleValues(
  raw: ArrayLike<number>,
  factor: number,
  out = new Float32Array(raw.length),
): Float32Array {
  for (let i = 0; i < raw.length; i++) out[i] = raw[i] * factor;
  return out;
}

function mirrorValues(raw: ArrayLike<number>, rows: number, half: number): Float32Array {
  const out = new Float32Array(rows * 2 * half);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < half; j++) {
      const v = raw[r * half + j];
      out[r * 2 * half + j] = v;
      out[r * 2 * half + half + j] = 1 - v;
    }
  }
  return out;
}

/**
 * Applies `spec` to raw user features `[N, ...]`, returning a float32 tensor
 * `[N, ...inputShape]` (the caller disposes it). A shape that does not fit is E_SHAPE; a
 * non-finite or out-of-range value is E_DATA_FORMAT.
 */
export function preprocessFeatures(spec: PreprocessSpec, raw: RawFeatures): tf.Tensor {
  const { shape, data } = raw;
  const inputWidth = prod(spec.inputShape);
  const rows = shape[0];
  if (shape.length < 2 || !Number.isInteger(rows) || data.length !== prod(shape)) {
    const detail = data.length !== prod(shape) ? ` (${data.length} values for shape ${fmt(shape)})` : '';
    throw shapeError(spec, raw, `[N, ${spec.inputShape.join(', ')}]${detail}`);
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new PlasticityError(
        'E_DATA_FORMAT',
        `feature value ${data[i]} at flat index ${i} is not finite`,
        {
          index: i,
        },
      );
    }
  }
  const sampleWidth = prod(shape.slice(1));
  let values: Float32Array;
  switch (spec.kind) {
    case 'identity':
      if (sampleWidth !== inputWidth) throw shapeError(spec, raw, `[N, ${spec.inputShape.join(', ')}]`);
      values = Float32Array.from(data);
      break;
    case 'scale': {
      if (sampleWidth !== inputWidth) {
        throw shapeError(
          spec,
          raw,
          `[N, ${spec.inputShape.join(', ')}] or any [N, ...] with ${inputWidth} values per sample`,
        );
      }
      if (spec.rawRange !== undefined) {
        const [lo, hi] = spec.rawRange;
        for (let i = 0; i < data.length; i++) {
          if (data[i] < lo || data[i] > hi) {
            throw new PlasticityError(
              'E_DATA_FORMAT',
              `raw value ${data[i]} at flat index ${i} is outside [${lo}, ${hi}] (this preprocessing expects unscaled data)`,
              { index: i },
            );
          }
        }
      }
      values = scaleValues(data, spec.factor);
      break;
    }
    case 'mirror': {
      const width = spec.inputShape[0];
      if (shape.length !== 2 || (sampleWidth !== width && 2 * sampleWidth !== width)) {
        throw shapeError(spec, raw, `[N, ${width}] or [N, ${width / 2}] (mirrored to [x, 1 − x])`);
      }
      values = sampleWidth === width ? Float32Array.from(data) : mirrorValues(data, rows, sampleWidth);
      break;
    }
  }
  return tf.tensor(values, [rows, ...spec.inputShape], 'float32');
}
