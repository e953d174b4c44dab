import { join } from 'node:path';
import { PlasticityError, isPlasticityError } from '@plasticity/core-tensors';
import { defaultDataDir } from '../io/data-dir.js';
import type { DownloadProgress } from '../io/download.js';
import { downloadFile } from '../io/download.js';
import { formatError } from '../io/errors.js';
import { readIdx } from '../io/idx.js';
import { exists } from '../io/exists.js';

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

export interface MnistProgress extends DownloadProgress {
  readonly file: string;
}

export interface MnistOptions {
  /** Data folder; the files are read from (and downloaded to) `<dataDir>/<folder>/`. Default {@link defaultDataDir}. */
  readonly dataDir?: string;
  /** Download missing files (default true). With false, a missing file is an E_USAGE error naming the paths tried. */
  readonly download?: boolean;
  /** Mirror(s) to download from instead of the defaults; a file's URL is `baseUrl + name`. */
  readonly baseUrl?: string | readonly string[];
  /** Override the expected md5 per canonical file name (e.g. for a private mirror). */
  readonly md5?: Readonly<Record<string, string>>;
  readonly onProgress?: (progress: MnistProgress) => void;
  readonly signal?: AbortSignal;
  /** Which member of the family (default 'mnist'). */
  readonly family?: MnistFamilyName;
}

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

/** Local names a user may have: the canonical `.gz`, it unzipped, or the dotted variant (`train-images.idx3-ubyte`). */
function candidateNames(gzName: string): string[] {
  const raw = gzName.replace(/\.gz$/, '');
  return [gzName, raw, raw.replace(/-idx(\d)-ubyte$/, '.idx$1-ubyte')];
}

async function locate(
  folder: string,
  role: MnistFileRole,
  family: MnistFamily,
  options: MnistOptions,
): Promise<string> {
  const { file } = family.files[role];
  const candidates = candidateNames(file).map((name) => join(folder, name));
  for (const path of candidates) if (await exists(path)) return path;
  if (options.download === false) {
    throw new PlasticityError(
      'E_USAGE',
      `${family.name} file ${file} not found in ${folder} (tried ${candidates.join(', ')}) and download is disabled; ` +
        'put the files there, point dataDir / PLASTICITY_DATA_DIR / --data-dir at a folder holding them, or allow download',
      { folder, tried: candidates },
    );
  }
  const dest = candidates[0];
  const md5 = options.md5?.[file] ?? family.files[role].md5;
  const mirrors = options.baseUrl === undefined ? family.mirrors : [options.baseUrl].flat();
  const failures: PlasticityError[] = [];
  for (const base of mirrors) {
    const url = new URL(file, base.endsWith('/') ? base : `${base}/`).href;
    try {
      await downloadFile(url, dest, {
        md5,
        signal: options.signal,
        onProgress: options.onProgress && ((p) => options.onProgress!({ ...p, file })),
      });
      return dest;
    } catch (error) {
      if (!isPlasticityError(error, 'E_DOWNLOAD') && !isPlasticityError(error, 'E_CHECKSUM')) throw error;
      failures.push(error);
    }
  }
  // A checksum failure is the more telling error when any mirror served the wrong bytes.
  const last = failures.find((e) => e.code === 'E_CHECKSUM') ?? failures[failures.length - 1];
  throw new PlasticityError(
    last?.code ?? 'E_DOWNLOAD',
    `could not get ${file}: ${failures.map((e) => e.message).join('; ')}`,
    { file, mirrors, failures: failures.map((e) => e.message) },
  );
}

async function readSplit(imagesPath: string, labelsPath: string, classes: number): Promise<MnistSplit> {
  const [images, labels] = await Promise.all([readIdx(imagesPath, 'images'), readIdx(labelsPath, 'labels')]);
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) {
    throw formatError(labelsPath, `has ${labels.dims[0]} labels but ${imagesPath} has ${count} images`);
  }
  const bad = labels.data.findIndex((label) => label >= classes);
  if (bad >= 0) {
    throw formatError(labelsPath, `label ${labels.data[bad]} at index ${bad} is outside 0..${classes - 1}`);
  }
  return { images: images.data, labels: labels.data, count, rows, cols };
}

/**
 * Loads MNIST (or another family member) from `<dataDir>/<folder>/`, downloading missing
 * files with md5 verification into the same folder. Files are validated (gzip, IDX magic,
 * dimensions, sizes); a bad file is E_DATA_FORMAT naming the file.
 */
export async function loadMnist(options: MnistOptions = {}): Promise<MnistData> {
  const family = MNIST_FAMILIES[options.family ?? 'mnist'];
  if (family === undefined) {
    throw new PlasticityError('E_UNKNOWN_DATASET', `unknown MNIST family '${options.family}'`, {
      known: Object.keys(MNIST_FAMILIES),
    });
  }
  const folder = join(options.dataDir ?? defaultDataDir(), family.folder);
  // One file at a time: downloads share the connection and progress stays readable.
  const paths: Partial<Record<MnistFileRole, string>> = {};
  for (const role of ['trainImages', 'trainLabels', 'testImages', 'testLabels'] as const) {
    paths[role] = await locate(folder, role, family, options);
  }
  try {
    const [train, test] = await Promise.all([
      readSplit(paths.trainImages!, paths.trainLabels!, family.classNames.length),
      readSplit(paths.testImages!, paths.testLabels!, family.classNames.length),
    ]);
    return { train, test };
  } catch (error) {
    if (!isPlasticityError(error, 'E_DATA_FORMAT') || options.download === false) throw error;
    // A damaged file in the cache is not re-fetched behind the user's back; say how to recover.
    throw new PlasticityError(
      'E_DATA_FORMAT',
      `${error.message} (delete it to download a fresh copy)`,
      error.details,
      {
        cause: error,
      },
    );
  }
}
