/** A flat parameter vector: float32 like the tensors, or float64 where a closed form is checked. */
export type Vector = Float32Array | Float64Array;

/** `out[i] = alpha (x[i] − center[i])`: the elastic difference a worker sends to the center. */
export function elasticDifference<V extends Vector>(x: V, center: Vector, alpha: number, out?: V): V {
  checkLengths(x, center, 'elasticDifference');
  const d = out ?? (new (x.constructor as new (n: number) => V)(x.length) as V);
  for (let i = 0; i < x.length; i++) d[i] = alpha * (x[i] - center[i]);
  return d;
}

/** `target += scale · delta`, in place. */
export function addScaled(target: Vector, delta: Vector, scale = 1): void {
  checkLengths(target, delta, 'addScaled');
  for (let i = 0; i < target.length; i++) target[i] += scale * delta[i];
}

export function checkLengths(a: Vector, b: Vector, where: string): void {
  if (a.length !== b.length) {
    throw new RangeError(`${where}: vectors of different lengths (${a.length} and ${b.length})`);
  }
}
