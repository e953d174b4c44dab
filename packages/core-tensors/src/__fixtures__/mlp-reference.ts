// A float64 re-implementation of a tiny MLP loss in plain JavaScript: the independent
// reference that tfjs results and autodiff gradients are checked against.

export interface MlpParams {
  w1: Float64Array; // [inputs, hidden]
  b1: Float64Array; // [hidden]
  w2: Float64Array; // [hidden, classes]
  b2: Float64Array; // [classes]
}

export interface MlpShape {
  inputs: number;
  hidden: number;
  classes: number;
}

/** Mean softmax cross-entropy of tanh(x·w1 + b1)·w2 + b2 against labels y. */
export function mlpLoss(
  params: MlpParams,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  shape: MlpShape,
): number {
  const { inputs, hidden, classes } = shape;
  const n = y.length;
  let total = 0;
  const h = new Float64Array(hidden);
  const z = new Float64Array(classes);
  for (let s = 0; s < n; s++) {
    for (let j = 0; j < hidden; j++) {
      let a = params.b1[j];
      for (let i = 0; i < inputs; i++) a += x[s * inputs + i] * params.w1[i * hidden + j];
      h[j] = Math.tanh(a);
    }
    let max = -Infinity;
    for (let k = 0; k < classes; k++) {
      let a = params.b2[k];
      for (let j = 0; j < hidden; j++) a += h[j] * params.w2[j * classes + k];
      z[k] = a;
      max = Math.max(max, a);
    }
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp(z[k] - max);
    total += -(z[y[s]] - max - Math.log(sum));
  }
  return total / n;
}

/** Central finite differences of `mlpLoss` with respect to every parameter (float64). */
export function mlpNumericGradient(
  params: MlpParams,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  shape: MlpShape,
  h = 1e-6,
): MlpParams {
  const grad = {} as MlpParams;
  for (const key of ['w1', 'b1', 'w2', 'b2'] as const) {
    const p = params[key];
    const g = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) {
      const keep = p[i];
      p[i] = keep + h;
      const up = mlpLoss(params, x, y, shape);
      p[i] = keep - h;
      const down = mlpLoss(params, x, y, shape);
      p[i] = keep;
      g[i] = (up - down) / (2 * h);
    }
    grad[key] = g;
  }
  return grad;
}
