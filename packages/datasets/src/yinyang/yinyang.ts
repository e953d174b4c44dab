import { LegacyRandomState } from '../random/mt19937.js';

export interface YinYangOptions {
  /** Number of samples. */
  readonly size: number;
  /** numpy legacy seed (published splits: train 42, validation 41, test 40). */
  readonly seed: number;
  readonly rSmall?: number;
  readonly rBig?: number;
}

export interface YinYangData {
  /** `[size, 4]` row-major: `[x, y, 1 − x, 1 − y]`. */
  readonly features: Float32Array;
  /** Class per sample: 0, 1 (the two halves) or 2 (the dots); names in {@link YINYANG_CLASS_NAMES}. */
  readonly labels: Int32Array;
  /** `[size, 2]` exact float64 `(x, y)` as numpy produced them. */
  readonly points: Float64Array;
}

/** The authors' `class_names`, indexed by label (their `which_class` returns 1 for its `is_yin` region). */
export const YINYANG_CLASS_NAMES = ['yin', 'yang', 'dot'] as const;

/** The published Yin-Yang splits (Kriener et al.): sizes and numpy seeds. */
export const YINYANG_SPLITS = {
  train: { size: 5000, seed: 42 },
  validation: { size: 1000, seed: 41 },
  test: { size: 1000, seed: 40 },
} as const;

function distance(x: number, y: number, cx: number, cy: number): number {
  // Explicit products: `**` may differ from numpy's square in the last bit.
  const dx = x - cx;
  const dy = y - cy;
  return Math.sqrt(dx * dx + dy * dy);
}

/** Class of a point inside the big circle, as in the authors' `which_class`. */
export function yinYangClass(x: number, y: number, rSmall = 0.1, rBig = 0.5): number {
  const dRight = distance(x, y, 1.5 * rBig, rBig);
  const dLeft = distance(x, y, 0.5 * rBig, rBig);
  if (dRight < rSmall || dLeft < rSmall) return 2;
  const isYin =
    dRight <= rSmall || (dLeft > rSmall && dLeft <= 0.5 * rBig) || (y > rBig && dRight > 0.5 * rBig);
  return isYin ? 1 : 0;
}

/**
 * Generates the Yin-Yang data set exactly as the authors' `YinYangDataset` does with numpy's
 * legacy global RNG: per sample a goal class `randint(3)`, then `(x, y) = rand(2)·2·r_big`
 * rejection-sampled inside the big circle until its class is the goal.
 */
export function yinYang(options: YinYangOptions): YinYangData {
  const { size, seed, rSmall = 0.1, rBig = 0.5 } = options;
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`size must be a whole number, got ${size}`);
  const rng = new LegacyRandomState(seed);
  const features = new Float32Array(size * 4);
  const labels = new Int32Array(size);
  const points = new Float64Array(size * 2);
  for (let i = 0; i < size; i++) {
    const goal = rng.randint(3);
    let x: number;
    let y: number;
    for (;;) {
      // numpy evaluates `rand(2) * 2. * r_big` left to right: (u·2)·r_big.
      x = rng.randomSample() * 2 * rBig;
      y = rng.randomSample() * 2 * rBig;
      if (distance(x, y, rBig, rBig) > rBig) continue;
      if (yinYangClass(x, y, rSmall, rBig) === goal) break;
    }
    points[2 * i] = x;
    points[2 * i + 1] = y;
    features.set([x, y, 1 - x, 1 - y], 4 * i);
    labels[i] = goal;
  }
  return { features, labels, points };
}
