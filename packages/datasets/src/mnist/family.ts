import { PlasticityError } from '@plasticity/core-tensors';
import { formatError } from '../io/errors.js';
import type { IdxArray } from '../io/idx.js';

export type MnistFamilyName = 'mnist' | 'fashion-mnist';
export type MnistFileRole = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';

export interface MnistFamily {
  readonly name: MnistFamilyName;
  /** Folder under the data dir (`<dataDir>/mnist/`). */
  readonly folder: string;
  /** Canonical gzip file names and their md5s. */
  readonly files: Readonly<Record<MnistFileRole, { readonly file: string; readonly md5: string }>>;
  /** Download mirrors, tried in order. */
  readonly mirrors: readonly string[];
  readonly classNames: readonly string[];
}

const STANDARD_FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;

/** The MNIST family: same IDX layout and file names, different content. md5s are the canonical files'. */
export const MNIST_FAMILIES: Readonly<Record<MnistFamilyName, MnistFamily>> = {
  mnist: {
    name: 'mnist',
    folder: 'mnist',
    files: {
      trainImages: { file: STANDARD_FILES.trainImages, md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873' },
      trainLabels: { file: STANDARD_FILES.trainLabels, md5: 'd53e105ee54ea40749a09fcbcd1e9432' },
      testImages: { file: STANDARD_FILES.testImages, md5: '9fb629c4189551a2d022fa330f9573f3' },
      testLabels: { file: STANDARD_FILES.testLabels, md5: 'ec29112dd5afa0611ce80d1b7f02629c' },
    },
    mirrors: [
      'https://ossci-datasets.s3.amazonaws.com/mnist/',
      'https://storage.googleapis.com/cvdf-datasets/mnist/',
    ],
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    folder: 'fashion-mnist',
    files: {
      trainImages: { file: STANDARD_FILES.trainImages, md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d' },
      trainLabels: { file: STANDARD_FILES.trainLabels, md5: '25c81989df183df01b3e8a0aad5dffbe' },
      testImages: { file: STANDARD_FILES.testImages, md5: 'bef4ecab320f06d8554ea6380940ec79' },
      testLabels: { file: STANDARD_FILES.testLabels, md5: 'bb300cfdad3c16e7a12a480ee83cd310' },
    },
    mirrors: [
      'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
      'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
    ],
    classNames: [
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ],
  },
};

/** One split as stored: `count` images of `rows × cols` uint8 pixels, row-major, and uint8 labels. */
export interface MnistSplit {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
}

export interface MnistData {
  readonly train: MnistSplit;
  readonly test: MnistSplit;
}

/** Checks that labels and images agree and that every label names a class; `sources` name the files. */
export function mnistSplit(
  images: IdxArray,
  labels: IdxArray,
  sources: { readonly images: string; readonly labels: string },
  classes: number,
): MnistSplit {
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) {
    throw formatError(
      sources.labels,
      `has ${labels.dims[0]} labels but ${sources.images} has ${count} images`,
    );
  }
  const bad = labels.data.findIndex((label) => label >= classes);
  if (bad >= 0) {
    throw formatError(
      sources.labels,
      `label ${labels.data[bad]} at index ${bad} is outside 0..${classes - 1}`,
    );
  }
  return { images: images.data, labels: labels.data, count, rows, cols };
}

/** How many first samples of each split to keep; absent keeps all. */
export interface SampleLimit {
  readonly train?: number;
  readonly test?: number;
}

/** Checks a sample limit: each count a whole number ≥ 1 (E_CONFIG naming the field otherwise). */
export function checkLimit(limit: SampleLimit | undefined): void {
  for (const split of ['train', 'test'] as const) {
    const count = limit?.[split];
    if (count !== undefined && !(Number.isInteger(count) && count >= 1)) {
      throw new PlasticityError(
        'E_CONFIG',
        `limit.${split} must be a whole number of samples ≥ 1, got ${JSON.stringify(count)}`,
        { field: `limit.${split}`, value: count },
      );
    }
  }
}

/** The first `count` samples of a split (views, no copy); the split itself when it has no more. */
export function firstSamples(split: MnistSplit, count: number | undefined): MnistSplit {
  if (count === undefined || count >= split.count) return split;
  const width = split.rows * split.cols;
  return {
    ...split,
    images: split.images.subarray(0, count * width),
    labels: split.labels.subarray(0, count),
    count,
  };
}
