import type { Vector } from './vector.js';
import { checkLengths } from './vector.js';

/**
 * DOWNPOUR's push: the update accumulated since the last pull, `x − pulled`. The worker adds it
 * to the center and then replaces its weights by the center it pulls.
 */
export function accumulatedUpdate<V extends Vector>(x: V, pulled: Vector): V {
  checkLengths(x, pulled, 'accumulatedUpdate');
  const push = new (x.constructor as new (n: number) => V)(x.length) as V;
  for (let i = 0; i < x.length; i++) push[i] = x[i] - pulled[i];
  return push;
}
