import { recallBinary, type BinaryMemory } from './binary-memory.js';
import { wordsFor } from './bits.js';

/**
 * The paper's baseline: a Hopfield network on the input patterns themselves (autoassociative,
 * 0/1 units), with the covariance rule w_ij = Σ_items (x_i - p)(x_j - p) / size, w_ii = 0, where
 * p is the pattern density. It stores only co-activation counts C_ij and activity counts s_i
 * (w_ij = (C_ij - p(s_i + s_j) + M p²) / size), so storing is O(active²) per item and a weight row
 * is rebuilt when recall needs it. `binariseHopfield` gives 1[w_ij ≥ 0] instead, as the authors do.
 */
export interface Hopfield {
  readonly size: number;
  readonly density: number;
  readonly coactive: Uint16Array | Uint32Array;
  readonly activity: Float64Array;
  stored: number;
}

export interface HopfieldRecallParams {
  /**
   * Continuous weights: a unit fires when its field Σ_j w_ij s_j exceeds `threshold` (the
   * authors use a fraction of p). Binarised: when more than `threshold` × (active units) of its
   * 1-weights come from active units.
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

/** One synchronous update with the continuous weights from the active units `state`. */
function updateContinuous(net: Hopfield, state: readonly number[], threshold: number): number[] {
  const { size, coactive, activity, density: p, stored } = net;
  // field_i · size = Σ_{j∈A} C_ij - p|A| s_i - p Σ_{j∈A} s_j + |A| M p², less the diagonal term.
  const field = new Float64Array(size);
  const a = state.length;
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
  const cut = threshold * size;
  for (let i = 0; i < size; i++) if (field[i] > cut) next.push(i);
  return next;
}

/** Indices of the set bits of a packed vector, ascending. */
function setBits(words: Uint32Array): number[] {
  const out: number[] = [];
  for (let w = 0; w < words.length; w++) {
    let v = words[w];
    while (v !== 0) {
      const low = v & -v;
      out.push(w * 32 + 31 - Math.clz32(low));
      v ^= low;
    }
  }
  return out;
}

/** Updates `state` with `step` until a fixed point or `iterations` updates; packed result. */
function settle(
  size: number,
  cue: ArrayLike<number>,
  iterations: number,
  step: (state: readonly number[]) => number[],
): Uint32Array {
  let state: number[] = [];
  for (let k = 0; k < cue.length; k++) if (cue[k] < size) state.push(cue[k]);
  for (let t = 0; t < iterations; t++) {
    const next = step(state);
    const same = next.length === state.length && next.every((v, k) => v === state[k]);
    state = next;
    if (same) break;
  }
  const out = new Uint32Array(wordsFor(size));
  for (const i of state) out[i >>> 5] |= 1 << (i & 31);
  return out;
}

/** Runs the continuous-weight network from a cue (its active units below `size`), as packed bits. */
export function recallHopfield(
  net: Hopfield,
  cue: ArrayLike<number>,
  params: HopfieldRecallParams,
): Uint32Array {
  return settle(net.size, cue, params.iterations, (state) => updateContinuous(net, state, params.threshold));
}

/**
 * The binarised network 1[w_ij ≥ 0] (w_ii = 0) as a packed binary memory, one row per unit, so
 * it recalls with the same bit-sliced counters as BTSP.
 */
export function binariseHopfield(net: Hopfield): BinaryMemory {
  const { size, coactive, activity, density: p, stored } = net;
  const wordsPerRow = wordsFor(size);
  const weights = new Uint32Array(size * wordsPerRow);
  const base = stored * p * p;
  for (let j = 0; j < size; j++) {
    const row = j * size;
    const out = j * wordsPerRow;
    const pj = p * activity[j];
    for (let i = 0; i < size; i++) {
      if (i !== j && coactive[row + i] - p * activity[i] - pj + base >= 0)
        weights[out + (i >>> 5)] |= 1 << (i & 31);
    }
  }
  const mask = new Uint32Array(weights.length).fill(0xffffffff);
  const params = {
    inputs: size,
    outputs: size,
    connectivity: 1,
    plateauProbability: 0,
    threshold: 0,
    variant: 'set-reset',
  } as const;
  return { params, wordsPerRow, mask, weights };
}

/** Runs a binarised network (from `binariseHopfield`) from a cue, as packed bits. */
export function recallBinarisedHopfield(
  net: BinaryMemory,
  cue: ArrayLike<number>,
  params: HopfieldRecallParams,
): Uint32Array {
  return settle(net.params.inputs, cue, params.iterations, (state) =>
    setBits(recallBinary(net, state, Math.floor(params.threshold * state.length))),
  );
}
