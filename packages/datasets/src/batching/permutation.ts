import { createRng } from '@plasticity/core-tensors';

/**
 * The row order of one epoch: `createRng(seed).fork(epoch).permutation(n)`, so the same
 * `(seed, epoch)` gives the same order everywhere and each epoch its own.
 */
export function seededPermutation(n: number, seed: number, epoch = 0): Int32Array {
  return createRng(seed).fork(epoch).permutation(n);
}
