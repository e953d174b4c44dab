// numpy's legacy `RandomState` (MT19937) reimplemented bit for bit, so that data sets published
// with `np.random.seed(s)` (Yin-Yang) can be regenerated without Python. Sources: numpy
// `random/_mt19937.pyx` (`_legacy_seeding`), `src/mt19937/mt19937.{c,h}`, and
// `src/distributions/distributions.c` (`random_bounded_uint64_fill`, masked rejection).

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** 32-bit product modulo 2^32 of two uint32 values, kept unsigned. */
function mul32(a: number, b: number): number {
  return Math.imul(a, b) >>> 0;
}

/**
 * A Mersenne Twister with numpy's legacy seeding and sampling. `seed(s)` for an integer `s`
 * is numpy's `np.random.seed(s)` (Knuth's init, as `init_genrand`), `seedByArray` is numpy's
 * seeding from an array of uint32 words (`init_by_array`).
 */
export class LegacyRandomState {
  private readonly key = new Uint32Array(N);
  private pos = N;

  constructor(seed = 5489) {
    this.seed(seed);
  }

  /** `np.random.seed(seed)` for an integer seed in [0, 2^32 − 1]. */
  seed(seed: number): void {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed must be an integer in [0, 2**32 - 1], got ${seed}`);
    }
    this.initGenrand(seed);
  }

  /** `np.random.seed([w0, w1, ...])`: seeding from an array of uint32 words. */
  seedByArray(words: ArrayLike<number>): void {
    const length = words.length;
    if (length === 0) throw new RangeError('seed array must be non-empty');
    for (let j = 0; j < length; j++) {
      const w = words[j];
      if (!Number.isInteger(w) || w < 0 || w > 0xffffffff) {
        throw new RangeError(`seed words must be integers in [0, 2**32 - 1], got ${w}`);
      }
    }
    const mt = this.key;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, length); k > 0; k--) {
      const prev = mt[i - 1];
      mt[i] = ((mt[i] ^ mul32(prev ^ (prev >>> 30), 1664525)) + words[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1];
      mt[i] = ((mt[i] ^ mul32(prev ^ (prev >>> 30), 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.pos = N;
  }

  /** Next tempered 32-bit output (`mt19937_next`). */
  nextUint32(): number {
    if (this.pos === N) this.generate();
    let y = this.key[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random_sample()`: a double in [0, 1) with 53 random bits from two outputs. */
  randomSample(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `rand(n)`: `n` doubles in [0, 1), drawn in order. */
  rand(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.randomSample();
    return out;
  }

  /**
   * `randint(high)` for 1 ≤ high ≤ 2^32: uniform in [0, high) by masked rejection sampling,
   * the legacy default (draw 32 bits, AND with the smallest all-ones mask ≥ high − 1, retry
   * while above high − 1).
   */
  randint(high: number): number {
    if (!Number.isInteger(high) || high < 1 || high > 0x100000000) {
      throw new RangeError(`randint high must be an integer in [1, 2**32], got ${high}`);
    }
    const range = high - 1;
    if (range === 0) return 0;
    if (range === 0xffffffff) return this.nextUint32();
    let mask = range;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    for (;;) {
      const value = (this.nextUint32() & mask) >>> 0;
      if (value <= range) return value;
    }
  }

  private initGenrand(seed: number): void {
    const mt = this.key;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1];
      mt[i] = (mul32(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.pos = N;
  }

  private generate(): void {
    const mt = this.key;
    let i = 0;
    let y: number;
    for (; i < N - M; i++) {
      y = (mt[i] & UPPER_MASK) | (mt[i + 1] & LOWER_MASK);
      mt[i] = mt[i + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < N - 1; i++) {
      y = (mt[i] & UPPER_MASK) | (mt[i + 1] & LOWER_MASK);
      mt[i] = mt[i + (M - N)] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }
}
