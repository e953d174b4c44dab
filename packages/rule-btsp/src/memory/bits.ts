// Packed bit vectors: bit `i` of a vector lives in word `i >>> 5`, at bit `i & 31`.

/** Words needed to hold `bits` bits. */
export function wordsFor(bits: number): number {
  return Math.ceil(bits / 32);
}

/** Set bits of one 32-bit word (SWAR popcount). */
export function popcount32(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) as number;
}

/** Set bits of `words[offset, offset + length)`. */
export function popcount(words: Uint32Array, offset = 0, length = words.length - offset): number {
  let total = 0;
  for (let w = offset; w < offset + length; w++) total += popcount32(words[w]);
  return total;
}

/** Hamming distance between two packed vectors of the same length. */
export function hammingDistance(a: Uint32Array, b: Uint32Array): number {
  let total = 0;
  for (let w = 0; w < a.length; w++) total += popcount32(a[w] ^ b[w]);
  return total;
}

/** Reads bit `i`. */
export function getBit(words: Uint32Array, i: number): boolean {
  return ((words[i >>> 5] >>> (i & 31)) & 1) === 1;
}

/** Sets bit `i` to 1. */
export function setBit(words: Uint32Array, i: number): void {
  words[i >>> 5] |= 1 << (i & 31);
}

/** Packs a list of set-bit indices into a new vector of `bits` bits. */
export function packIndices(indices: ArrayLike<number>, bits: number): Uint32Array {
  const words = new Uint32Array(wordsFor(bits));
  for (let k = 0; k < indices.length; k++) setBit(words, indices[k]);
  return words;
}
