import { PlasticityError } from '@plasticity/core-tensors';
import type { NpyDtype } from '../io/npy.js';
import type { PreprocessSpec, RawFeatures } from './preprocess.js';

/**
 * What raw inputs a data set's preprocessing expects, recorded with a run so that new data
 * (`eval --inputs`) is checked against what training saw: MNIST is uint8 pixels 0–255, and a
 * float32 file already scaled to [0, 1] must not be divided by 255 a second time.
 */
export interface RawInputSpec {
  /** What the values are, for messages ("MNIST pixels"). */
  readonly what: string;
  /** The dtype the raw data had. */
  readonly dtype: NpyDtype;
  /** Every raw value lies in `[lo, hi]`. */
  readonly range: readonly [number, number];
  /**
   * `'exact'`: the data set's own bounds (a value outside is refused); `'observed'`: the
   * training data's min and max (user files), checked loosely: a value further than the
   * range's width outside it is refused.
   */
  readonly bounds: 'exact' | 'observed';
  /** One sample's raw shape as the data set stores it (`[28, 28]` for MNIST). */
  readonly shape: readonly number[];
}

/** A raw array as read from a file: values, shape `[N, ...]` and the file's dtype. */
export interface TypedRawFeatures extends RawFeatures {
  readonly dtype: NpyDtype;
}

export interface CheckRawInputsOptions {
  /** The file the values came from, named first in messages. */
  readonly source: string;
  /**
   * The range the user declares the values to be in; they are mapped linearly onto the
   * expected raw range (`[0, 1]` → `[0, 255]` for MNIST) instead of being refused.
   */
  readonly inputRange?: readonly [number, number];
  /** How to declare a range where the caller is (e.g. "pass --input-range LO..HI"), for messages. */
  readonly rangeHint?: string;
}

const INTEGER_DTYPES: ReadonlySet<NpyDtype> = new Set(['uint8', 'int32', 'int64']);

/** The raw-input record of a spec; runs saved before it existed get what their spec implies. */
export function rawInputsOf(spec: PreprocessSpec): RawInputSpec | undefined {
  if (spec.raw !== undefined) return spec.raw;
  // Older MNIST-family runs: `scale` by 1/255 of raw 0–255 bytes.
  if (spec.kind === 'scale' && spec.rawRange?.[0] === 0 && spec.rawRange[1] === 255) {
    return { what: 'pixels', dtype: 'uint8', range: [0, 255], bounds: 'exact', shape: spec.inputShape };
  }
  return undefined;
}

const fmtRange = (lo: number, hi: number): string => `[${fmtNumber(lo)}, ${fmtNumber(hi)}]`;
const fmtNumber = (v: number): string => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4))));

/** `row r, column c` (0-based) of flat index `i` in `[N, ...]` data. */
export function cellOf(i: number, shape: readonly number[]): string {
  const width = shape.slice(1).reduce((a, b) => a * b, 1);
  return shape.length < 2 ? `row ${i}` : `row ${Math.floor(i / width)}, column ${i % width}`;
}

/** Min and max of the values; NaN or ±Inf is E_DATA_FORMAT naming its row and column. */
export function finiteRange(raw: RawFeatures, source: string): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  const { data } = raw;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) {
      throw new PlasticityError(
        'E_DATA_FORMAT',
        `${source}: ${Number.isNaN(v) ? 'NaN' : v} at ${cellOf(i, raw.shape)}; inputs must be finite numbers`,
        { file: source, index: i },
      );
    }
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * Checks raw inputs against what a run's preprocessing expects (dtype, range; NaN/Inf refused
 * with their row and column) and returns them ready for `preprocessFeatures`. Values that do
 * not fit are refused with a message saying what was expected and what the file holds, unless
 * `inputRange` declares their range, which is then mapped onto the expected one.
 */
export function checkRawInputs(
  spec: PreprocessSpec,
  raw: TypedRawFeatures,
  options: CheckRawInputsOptions,
): RawFeatures {
  const { source, inputRange } = options;
  const [lo, hi] = finiteRange(raw, source);
  const expected = rawInputsOf(spec);
  const holds = `${source} holds ${raw.dtype} in ${raw.data.length > 0 ? fmtRange(lo, hi) : '(no values)'}`;
  if (inputRange !== undefined) {
    const [from, to] = inputRange;
    if (!(Number.isFinite(from) && Number.isFinite(to) && from < to)) {
      throw new PlasticityError('E_USAGE', `input range ${fmtRange(from, to)} must have LO < HI`);
    }
    if (expected === undefined) {
      throw new PlasticityError(
        'E_USAGE',
        `the run does not record the range of its raw inputs, so an input range cannot be mapped onto it; pass the values as training saw them`,
      );
    }
    if (raw.data.length > 0 && (lo < from || hi > to)) {
      throw new PlasticityError(
        'E_DATA_FORMAT',
        `${holds}, outside the declared input range ${fmtRange(from, to)}`,
        { file: source, found: [lo, hi], declared: [from, to] },
      );
    }
    const [a, b] = expected.range;
    const factor = (b - a) / (to - from);
    return { shape: raw.shape, data: Float64Array.from(raw.data, (v) => a + (v - from) * factor) };
  }
  if (expected === undefined || raw.data.length === 0) return raw;
  const [a, b] = expected.range;
  const trained = `the run was trained on ${expected.what} as ${expected.dtype} in ${fmtRange(a, b)}`;
  const hint = options.rangeHint ? `; ${options.rangeHint}` : '';
  if (INTEGER_DTYPES.has(expected.dtype) && !INTEGER_DTYPES.has(raw.dtype)) {
    // Scaled copies of integer data (pixels / 255) are the silent-wrong-answer case.
    throw new PlasticityError(
      'E_DATA_FORMAT',
      `${trained}; ${holds}. Save them as ${expected.dtype} ${fmtRange(a, b)}, or declare their range${hint}`,
      { file: source, expected, found: { dtype: raw.dtype, range: [lo, hi] } },
    );
  }
  const slack = expected.bounds === 'observed' ? b - a : 0;
  if (lo < a - slack || hi > b + slack) {
    const limits =
      expected.bounds === 'observed'
        ? ` (training data; up to ${fmtRange(a - slack, b + slack)} is accepted)`
        : '';
    throw new PlasticityError(
      'E_DATA_FORMAT',
      `${trained}${limits}; ${holds}. Convert them to that range, or declare their range${hint}`,
      { file: source, expected, found: { dtype: raw.dtype, range: [lo, hi] } },
    );
  }
  return raw;
}
