// PCG32 (O'Neill 2014, "PCG XSH RR 64/32"): a 64-bit LCG with a permuted 32-bit output, as in
// the reference pcg_basic.c. 64-bit state is kept as two uint32 halves: no BigInt per draw.

const MULT_HI = 0x5851f42d; // 6364136223846793005 = 0x5851F42D4C957F2D
const MULT_LO = 0x4c957f2d;
const MASK64 = (1n << 64n) - 1n;

/** High 32 bits of the 64-bit product of two uint32s. */
function mulHi32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const lo = a0 * b0;
  const mid1 = a0 * b1;
  const mid2 = a1 * b0;
  const carry = ((lo >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) >>> 16;
  return (a1 * b1 + (mid1 >>> 16) + (mid2 >>> 16) + carry) >>> 0;
}

export class Pcg32 {
  private hi = 0;
  private lo = 0;
  private readonly incHi: number;
  private readonly incLo: number;

  /** `pcg32_srandom_r(initState, initSeq)`: both taken modulo 2^64. */
  constructor(initState: bigint, initSeq: bigint) {
    const inc = ((BigInt.asUintN(64, initSeq) << 1n) | 1n) & MASK64;
    this.incHi = Number(inc >> 32n);
    this.incLo = Number(inc & 0xffffffffn);
    this.step();
    const state = (((BigInt(this.hi) << 32n) | BigInt(this.lo)) + BigInt.asUintN(64, initState)) & MASK64;
    this.hi = Number(state >> 32n);
    this.lo = Number(state & 0xffffffffn);
    this.step();
  }

  /** state = state · MULT + inc (mod 2^64). */
  private step(): void {
    const { hi, lo } = this;
    const productLo = Math.imul(lo, MULT_LO) >>> 0;
    const productHi = (mulHi32(lo, MULT_LO) + Math.imul(lo, MULT_HI) + Math.imul(hi, MULT_LO)) >>> 0;
    const sumLo = productLo + this.incLo;
    this.lo = sumLo >>> 0;
    this.hi = (productHi + this.incHi + (sumLo > 0xffffffff ? 1 : 0)) >>> 0;
  }

  /** Next uint32 (`pcg32_random_r`). */
  next(): number {
    const hi = this.hi;
    const lo = this.lo;
    this.step();
    // xorshifted = ((old >> 18) ^ old) >> 27, truncated to 32 bits; rot = old >> 59.
    const xHi = hi ^ (hi >>> 18);
    const xLo = lo ^ ((lo >>> 18) | (hi << 14));
    const xorshifted = ((xLo >>> 27) | (xHi << 5)) >>> 0;
    const rot = hi >>> 27;
    return ((xorshifted >>> rot) | (xorshifted << (-rot & 31))) >>> 0;
  }

  /** Uniform integer in [0, bound) without modulo bias (`pcg32_boundedrand_r`). */
  bounded(bound: number): number {
    // threshold = 2^32 mod bound: reject the low values that would make `r % bound` uneven.
    const threshold = (0x100000000 - bound) % bound;
    for (;;) {
      const r = this.next();
      if (r >= threshold) return r % bound;
    }
  }
}
