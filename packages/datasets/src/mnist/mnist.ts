import { join } from 'node:path';
import { PlasticityError, isPlasticityError } from '@plasticity/core-tensors';
import { defaultDataDir, refuseDatasetFolderAsDataDir } from '../io/data-dir.js';
import type { DownloadProgress } from '../io/download.js';
import { downloadFile } from '../io/download.js';
import { readIdx } from '../io/files.js';
import type { MnistData, MnistFamily, MnistFamilyName, MnistFileRole, MnistSplit } from './family.js';
import { MNIST_FAMILIES, mnistSplit } from './family.js';
import { exists } from '../io/exists.js';

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
  return mnistSplit(images, labels, { images: imagesPath, labels: labelsPath }, classes);
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
  const dataDir = options.dataDir ?? defaultDataDir();
  const folder = join(dataDir, family.folder);
  await refuseDatasetFolderAsDataDir(
    dataDir,
    family.folder,
    Object.values(family.files).flatMap(({ file }) => candidateNames(file)),
  );
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
