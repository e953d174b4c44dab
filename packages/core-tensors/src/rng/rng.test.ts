import { describe, expect, test } from '@jest/globals';
import { isPlasticityError } from '../errors/plasticity-error.js';
import { Pcg32 } from './pcg32.js';
import { createRng } from './rng.js';

// Published reference output of PCG's pcg32-demo (pcg32_srandom_r(&rng, 42u, 54u)), rounds 1
// and 2, from the PCG C library's test-high/expected/check-pcg32.out.
const ROUNDS = [
  {
    u32: [0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e],
    coins: 'HHTTTHTHHHTHTTTHHHHHTTTHHHTHTHTHTTHTTTHHHHHHTTTTHHTTTTTHTTTTTTTHT',
    rolls: '3 4 1 1 2 2 3 2 4 3 2 4 3 3 5 2 3 1 3 1 5 1 4 1 5 6 4 6 6 2 6 3 3',
    cards:
      'Qd Ks 6d 3s 3d 4c 3h Td Kc 5c Jh Kd Jd As 4s 4h Ad Th Ac Jc 7s Qs 2s 7h Kh 2d 6c Ah 4d Qh 9h 6s 5s ' +
      '2c 9c Ts 8d 9s 3c 8c Js 5d 2h 6h 7d 8s 9d 5h 8h Qc 7c Tc',
  },
  {
    u32: [0x74ab93ad, 0x1c1da000, 0x494ff896, 0x34462f2f, 0xd308a3e5, 0x0fa83bab],
    coins: 'HHHHHHHHHHTHHHTHTHTHTHTTTTHHTTTHHTHHTHTTHHTTTHHHHHHTHTTHTHTTTTTTT',
    rolls: '5 1 1 3 3 2 4 5 3 2 2 6 4 3 2 4 2 4 3 2 3 6 3 2 3 4 2 4 1 1 5 4 4',
    cards:
      '7d 2s 7h Td 8s 3c 3d Js 2d Tc 4h Qs 5c 9c Th 2c Jc Qd 9d Qc 7s 3s 5s 6h 4d Jh 4c Ac 4s 5h 5d Kc 8h ' +
      '8d Jd 9s Ad 6s 6c Kd 2h 3h Kh Ts Qh 9h 6d As 7c Ks Ah 8c',
  },
];

function cardName(card: number): string {
  return 'A23456789TJQK'[Math.floor(card / 4)] + 'hcds'[card % 4];
}

describe('PCG32 against the published pcg32-demo output', () => {
  test('the generator core (uint32, bounded) reproduces rounds 1 and 2', () => {
    const gen = new Pcg32(42n, 54n);
    for (const round of ROUNDS) {
      expect(Array.from({ length: 6 }, () => gen.next())).toEqual(round.u32);
      expect(Array.from({ length: 65 }, () => (gen.bounded(2) ? 'H' : 'T')).join('')).toBe(round.coins);
      expect(Array.from({ length: 33 }, () => gen.bounded(6) + 1).join(' ')).toBe(round.rolls);
      // Skip the card shuffle here: it is checked through Rng.permutation below.
      for (let i = 52; i > 1; i--) gen.bounded(i);
    }
  });

  test('createRng(42) is pcg32_srandom_r(42, 54): uint32, int and permutation match', () => {
    const rng = createRng(42);
    for (const round of ROUNDS) {
      expect(Array.from({ length: 6 }, () => rng.uint32())).toEqual(round.u32);
      expect(Array.from({ length: 65 }, () => (rng.int(2) ? 'H' : 'T')).join('')).toBe(round.coins);
      expect(Array.from({ length: 33 }, () => rng.int(6) + 1).join(' ')).toBe(round.rolls);
      expect(Array.from(rng.permutation(52), cardName).join(' ')).toBe(round.cards);
    }
  });
});

describe('createRng', () => {
  test('same seed, same numbers; different seeds differ', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = Array.from({ length: 20 }, () => a.uniform());
    expect(Array.from({ length: 20 }, () => b.uniform())).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c.uniform())).not.toEqual(xs);
  });

  test('uniform() is built from two outputs with 53 bits, in [0, 1)', () => {
    const raw = createRng(3);
    const a = raw.uint32() >>> 5;
    const b = raw.uint32() >>> 6;
    expect(createRng(3).uniform()).toBe((a * 2 ** 26 + b) / 2 ** 53);
    const rng = createRng(1);
    let outside = 0;
    for (let i = 0; i < 10_000; i++) {
      const u = rng.uniform();
      if (!(u >= 0 && u < 1)) outside++;
    }
    expect(outside).toBe(0);
  });

  test('normal() is Box–Muller on two uniforms, and its moments are right', () => {
    const u = createRng(5);
    const u1 = u.uniform();
    const u2 = u.uniform();
    const r = Math.sqrt(-2 * Math.log(1 - u1));
    const n = createRng(5);
    expect(n.normal()).toBeCloseTo(r * Math.cos(2 * Math.PI * u2), 14);
    expect(n.normal()).toBeCloseTo(r * Math.sin(2 * Math.PI * u2), 14);

    const xs = createRng(11).normalArray(200_000, 2, 3);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    // Standard errors: 3/√n ≈ 0.0067 for the mean, ≈ 0.028 for the variance (9·√(2/n)).
    expect(Math.abs(mean - 2)).toBeLessThan(0.03);
    expect(Math.abs(variance - 9)).toBeLessThan(0.12);
  });

  test('uniformArray covers [lo, hi) evenly', () => {
    const xs = createRng(2).uniformArray(100_000, -1, 3);
    expect(xs).toBeInstanceOf(Float32Array);
    const bins = new Array(4).fill(0);
    let outside = 0;
    for (const x of xs) {
      if (!(x >= -1 && x <= 3)) outside++;
      bins[Math.min(3, Math.floor(x + 1))]++;
    }
    expect(outside).toBe(0);
    // Each bin expects 25 000 ± 137 (binomial sd); 5 sd of slack.
    for (const count of bins) expect(Math.abs(count - 25_000)).toBeLessThan(700);
  });

  test('int(n) is unbiased across a range that does not divide 2^32', () => {
    const rng = createRng(9);
    const counts = new Array(3).fill(0);
    for (let i = 0; i < 30_000; i++) counts[rng.int(3)]++;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(420);
  });

  test('permutation(n) is a permutation', () => {
    const p = createRng(4).permutation(1000);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(createRng(4).permutation(0)).toHaveLength(0);
  });

  test('fork depends on the key and the parent seed only', () => {
    const parent = createRng(1);
    const before = parent.fork('init').uniformArray(5);
    parent.uniformArray(100);
    expect(parent.fork('init').uniformArray(5)).toEqual(before);
    expect(createRng(1).fork('init').uniformArray(5)).toEqual(before);
    expect(createRng(1).fork('shuffle').uniformArray(5)).not.toEqual(before);
    expect(createRng(2).fork('init').uniformArray(5)).not.toEqual(before);
    expect(createRng(1).fork('a').fork('b').uniformArray(5)).not.toEqual(
      createRng(1).fork('b').fork('a').uniformArray(5),
    );
    expect(createRng(1).fork(3).uniformArray(5)).toEqual(createRng(1).fork(3).uniformArray(5));
  });

  test('bad arguments are errors, not NaN', () => {
    const rng = createRng(0);
    for (const call of [
      () => createRng(1.5),
      () => createRng(Number.NaN),
      () => rng.int(0),
      () => rng.int(2.5),
      () => rng.permutation(-1),
      () => rng.uniformArray(3, 1, 0),
      () => rng.normalArray(3, 0, -1),
      () => rng.normalArray(3, Number.NaN, 1),
    ]) {
      expect(call).toThrow();
      try {
        call();
      } catch (error) {
        expect(isPlasticityError(error)).toBe(true);
      }
    }
    expect(createRng(-1).uint32()).toBe(new Pcg32(2n ** 64n - 1n, 54n).next());
  });
});
