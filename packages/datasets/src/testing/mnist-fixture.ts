import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from '../io/idx.js';

/** The team's copy of the real MNIST files; tests use it when present and fall back to a tiny set. */
export const SHARED_MNIST_DIR = '/work/shared/data/mnist';

export const MNIST_GZ_NAMES = [
  'train-images-idx3-ubyte.gz',
  'train-labels-idx1-ubyte.gz',
  't10k-images-idx3-ubyte.gz',
  't10k-labels-idx1-ubyte.gz',
] as const;

export function md5(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** Set PLASTICITY_TEST_NO_SHARED=1 to run the fallback path as on a fresh clone. */
export function hasRealMnist(): boolean {
  if (process.env.PLASTICITY_TEST_NO_SHARED === '1') return false;
  return MNIST_GZ_NAMES.every((name) => existsSync(join(SHARED_MNIST_DIR, name)));
}

export interface TinyMnist {
  /** gzipped IDX bytes by canonical name */
  readonly files: Record<string, Uint8Array>;
  readonly md5: Record<string, string>;
  readonly trainImages: Uint8Array;
  readonly trainLabels: Uint8Array;
  readonly testImages: Uint8Array;
  readonly testLabels: Uint8Array;
}

/** A tiny MNIST-shaped set (`train` and `test` images of 28×28) as gzipped IDX files. */
export function tinyMnist(train = 12, test = 5): TinyMnist {
  const pixels = (n: number, salt: number): Uint8Array =>
    Uint8Array.from({ length: n * 784 }, (_, i) => (i * 31 + salt) % 256);
  const labels = (n: number, salt: number): Uint8Array =>
    Uint8Array.from({ length: n }, (_, i) => (i + salt) % 10);
  const trainImages = pixels(train, 1);
  const trainLabels = labels(train, 3);
  const testImages = pixels(test, 7);
  const testLabels = labels(test, 5);
  const files: Record<string, Uint8Array> = {
    [MNIST_GZ_NAMES[0]]: gzipSync(encodeIdx([train, 28, 28], trainImages)),
    [MNIST_GZ_NAMES[1]]: gzipSync(encodeIdx([train], trainLabels)),
    [MNIST_GZ_NAMES[2]]: gzipSync(encodeIdx([test, 28, 28], testImages)),
    [MNIST_GZ_NAMES[3]]: gzipSync(encodeIdx([test], testLabels)),
  };
  const sums = Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, md5(bytes)]));
  return { files, md5: sums, trainImages, trainLabels, testImages, testLabels };
}

/** The real files' bytes by name (only call when {@link hasRealMnist}). */
export function realMnistFiles(): Record<string, Uint8Array> {
  return Object.fromEntries(
    MNIST_GZ_NAMES.map((name) => [name, new Uint8Array(readFileSync(join(SHARED_MNIST_DIR, name)))]),
  );
}
