import { PlasticityError } from '../errors/plasticity-error.js';
import { Pcg32 } from './pcg32.js';

/**
 * A seeded, reproducible random source (PCG32). Same seed ⇒ same numbers on every platform;
 * tensors built from its arrays are therefore identical on every backend.
 */
export interface Rng {
  /** Next raw uint32. */
  uint32(): number;
  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number;
  /** Normal deviate (Box–Muller). */
  normal(mean?: number, std?: number): number;
  /** Uniform integer in [0, n), unbiased; 1 ≤ n ≤ 2^32. */
  int(n: number): number;
  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array;
  /**
   * An independent generator derived from this one's seed and `key` only (not from how many
   * numbers were drawn), so `rng.fork('init')` is the same stream wherever it is called.
   */
  fork(key: string | number): Rng;
  /** `n` uniforms in [lo, hi) from 24 random bits each, rounded to float32 (which may round up to hi). */
  uniformArray(n: number, lo?: number, hi?: number): Float32Array;
  /** `n` normal deviates as float32. */
  normalArray(n: number, mean?: number, std?: number): Float32Array;
}

const MASK64 = (1n << 64n) - 1n;
/** The stream `pcg32-demo` uses; with it `createRng(42)` reproduces PCG's published output. */
const DEFAULT_STREAM = 54n;
const TWO_PI = 2 * Math.PI;

/** splitmix64's finaliser: a bijective 64-bit mixer. */
function mix64(x: bigint): bigint {
  let z = x & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** FNV-1a 64 over the key's UTF-8 bytes. */
function hashKey(key: string | number): bigint {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(String(key))) {
    h = ((h ^ BigInt(byte)) * 0x100000001b3n) & MASK64;
  }
  return h;
}

function checkCount(n: number, what: string, max = 2 ** 31 - 1): void {
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new PlasticityError('E_USAGE', `${what} must be an integer in [0, ${max}], got ${n}`);
  }
}

function checkFinite(values: Record<string, number>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!Number.isFinite(value)) throw new PlasticityError('E_USAGE', `${name} must be finite, got ${value}`);
  }
}

class PcgRng implements Rng {
  private readonly gen: Pcg32;
  private spare: number | undefined;

  constructor(
    private readonly state: bigint,
    private readonly stream: bigint,
  ) {
    this.gen = new Pcg32(state, stream);
  }

  uint32(): number {
    return this.gen.next();
  }

  uniform(): number {
    const a = this.gen.next() >>> 5;
    const b = this.gen.next() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  normal(mean = 0, std = 1): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return mean + std * z;
    }
    // u1 in (0, 1] keeps log finite.
    const r = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const theta = TWO_PI * this.uniform();
    this.spare = r * Math.sin(theta);
    return mean + std * r * Math.cos(theta);
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) {
      throw new PlasticityError('E_USAGE', `int(n) needs an integer 1 ≤ n ≤ 2^32, got ${n}`);
    }
    return n === 2 ** 32 ? this.gen.next() : this.gen.bounded(n);
  }

  permutation(n: number): Int32Array {
    checkCount(n, 'permutation size');
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n; i > 1; i--) {
      const j = this.gen.bounded(i);
      const t = order[j];
      order[j] = order[i - 1];
      order[i - 1] = t;
    }
    return order;
  }

  fork(key: string | number): Rng {
    const k = mix64(hashKey(key));
    return new PcgRng(mix64(this.state ^ k), mix64(this.stream ^ ((k << 1n) & MASK64) ^ 0x9e3779b97f4a7c15n));
  }

  uniformArray(n: number, lo = 0, hi = 1): Float32Array {
    checkCount(n, 'array length');
    checkFinite({ lo, hi });
    if (hi < lo) throw new PlasticityError('E_USAGE', `uniformArray needs lo ≤ hi, got [${lo}, ${hi})`);
    const out = new Float32Array(n);
    const span = hi - lo;
    for (let i = 0; i < n; i++) out[i] = lo + span * ((this.gen.next() >>> 8) / 16777216);
    return out;
  }

  normalArray(n: number, mean = 0, std = 1): Float32Array {
    checkCount(n, 'array length');
    checkFinite({ mean, std });
    if (std < 0) throw new PlasticityError('E_USAGE', `normalArray needs std ≥ 0, got ${std}`);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal(mean, std);
    return out;
  }
}

/**
 * A PCG32 generator seeded like the reference `pcg32_srandom_r(seed, 54)`. `seed` is any safe
 * integer (negative ones wrap to 64 bits).
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new PlasticityError('E_CONFIG', `seed must be a safe integer, got ${seed}`, {
      field: 'seed',
      value: seed,
    });
  }
  return new PcgRng(BigInt.asUintN(64, BigInt(seed)), DEFAULT_STREAM);
}
