import { wordsFor } from './bits.js';

/**
 * The paper's baseline: a Hopfield network on the input patterns themselves (autoassociative,
 * 0/1 units), with the covariance rule w_ij = Σ_items (x_i - p)(x_j - p) / size, w_ii = 0, where
 * p is the pattern density. It stores only co-activation counts C_ij and activity counts s_i
 * (w_ij = (C_ij - p(s_i + s_j) + M p²) / size), so storing is O(active²) per item and a weight row
 * is rebuilt when recall needs it. `binarised` uses 1[w_ij ≥ 0] instead, as the authors do.
 */
export interface Hopfield {
  readonly size: number;
  readonly density: number;
  readonly coactive: Uint16Array | Uint32Array;
  readonly activity: Float64Array;
  stored: number;
}

export interface HopfieldRecallParams {
  readonly binarised: boolean;
  /**
   * Continuous: a unit fires when its field Σ_j w_ij s_j exceeds `threshold` (the authors use a
   * fraction of p). Binarised: when more than `threshold` × (active units) of its 1-weights
   * see an active unit.
   */
  readonly threshold: number;
  /** Synchronous updates at most (stops early at a fixed point). */
  readonly iterations: number;
}

/** An empty network; counts fit 16 bits while at most 65,535 items will be stored. */
export function createHopfield(size: number, density: number, maxItems: number): Hopfield {
  const cells = size * size;
  return {
    size,
    density,
    coactive: maxItems <= 0xffff ? new Uint16Array(cells) : new Uint32Array(cells),
    activity: new Float64Array(size),
    stored: 0,
  };
}

/** Stores one item given by its active units (those below `size`; the rest are not in the net). */
export function storeHopfield(net: Hopfield, active: ArrayLike<number>): void {
  const { size, coactive, activity } = net;
  const inside: number[] = [];
  for (let k = 0; k < active.length; k++) if (active[k] < size) inside.push(active[k]);
  for (const i of inside) {
    activity[i]++;
    const row = i * size;
    for (const j of inside) coactive[row + j]++;
  }
  net.stored++;
}

/** One synchronous update from the active units `state`; returns the new active units. */
function update(net: Hopfield, state: readonly number[], params: HopfieldRecallParams): number[] {
  const { size, coactive, activity, density: p, stored } = net;
  // field_i · size = Σ_{j∈A} C_ij - p|A| s_i - p Σ_{j∈A} s_j + |A| M p², less the diagonal term.
  const field = new Float64Array(size);
  const a = state.length;
  if (params.binarised) {
    const base = stored * p * p;
    for (const j of state) {
      const row = j * size;
      const pj = p * activity[j];
      for (let i = 0; i < size; i++) {
        if (coactive[row + i] - p * activity[i] - pj + base >= 0) field[i]++;
      }
    }
    for (const j of state) field[j]--; // w_jj = 0
    const next: number[] = [];
    for (let i = 0; i < size; i++) if (field[i] > params.threshold * a) next.push(i);
    return next;
  }
  let sumActivity = 0;
  for (const j of state) {
    sumActivity += activity[j];
    const row = j * size;
    for (let i = 0; i < size; i++) field[i] += coactive[row + i];
  }
  const constant = -p * sumActivity + a * stored * p * p;
  for (let i = 0; i < size; i++) field[i] += constant - p * a * activity[i];
  for (const j of state) field[j] -= coactive[j * size + j] - 2 * p * activity[j] + stored * p * p;
  const next: number[] = [];
  const cut = params.threshold * size;
  for (let i = 0; i < size; i++) if (field[i] > cut) next.push(i);
  return next;
}

/** Runs the network from a cue (its active units below `size`) to a fixed point, as packed bits. */
export function recallHopfield(net: Hopfield, cue: ArrayLike<number>, params: HopfieldRecallParams): Uint32Array {
  let state: number[] = [];
  for (let k = 0; k < cue.length; k++) if (cue[k] < net.size) state.push(cue[k]);
  for (let t = 0; t < params.iterations; t++) {
    const next = update(net, state, params);
    const same = next.length === state.length && next.every((v, k) => v === state[k]);
    state = next;
    if (same) break;
  }
  const out = new Uint32Array(wordsFor(net.size));
  for (const i of state) out[i >>> 5] |= 1 << (i & 31);
  return out;
}
