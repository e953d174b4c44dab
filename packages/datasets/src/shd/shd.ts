import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { PlasticityError, isPlasticityError } from '@plasticity/core-tensors';
import { tempPathFor } from '../io/atomic-write.js';
import { defaultDataDir, refuseDatasetFolderAsDataDir } from '../io/data-dir.js';
import type { DownloadProgress } from '../io/download.js';
import { downloadFile } from '../io/download.js';
import { formatError } from '../io/errors.js';
import type { ShdFile, ShdFileOptions } from './shd-file.js';
import { readShdFile } from './shd-file.js';
import { exists } from '../io/exists.js';

export type ShdSplitName = 'train' | 'test';

/**
 * The published files and the md5 of each gzip file. The md5s are the ones the SHD site lists
 * in `md5sums.txt`, as copied into Norse's and other loaders (could not be fetched from the site
 * itself while writing this); a mismatch is E_CHECKSUM and nothing is kept.
 */
export const SHD_FILES: Readonly<Record<ShdSplitName, { readonly file: string; readonly md5: string }>> = {
  train: { file: 'shd_train.h5.gz', md5: 'd47c9825dee33347913e8ce0f2be08b0' },
  test: { file: 'shd_test.h5.gz', md5: '3062a80ec0c5719404d5b02e166543b1' },
};

/** Download locations, tried in order (the site and its mirror). */
export const SHD_MIRRORS: readonly string[] = [
  'https://zenkelab.org/datasets/',
  'https://compneuro.net/datasets/',
];

export interface ShdProgress extends DownloadProgress {
  readonly file: string;
}

export interface ShdOptions extends ShdFileOptions {
  /** Data folder; files live in `<dataDir>/shd/` (default {@link defaultDataDir}). */
  readonly dataDir?: string;
  /** Download missing files (default true). With false, a missing file is E_USAGE naming the paths tried. */
  readonly download?: boolean;
  /** Mirror(s) instead of {@link SHD_MIRRORS}; a file's URL is `baseUrl + name`. */
  readonly baseUrl?: string | readonly string[];
  /** Override the expected md5 by gzip file name (e.g. for a private mirror). */
  readonly md5?: Readonly<Record<string, string>>;
  readonly onProgress?: (progress: ShdProgress) => void;
  readonly signal?: AbortSignal;
}

export interface ShdData {
  readonly train: ShdFile;
  readonly test: ShdFile;
}

/** Inflates `gzPath` into `dest` through a temp file, so a failure leaves no partial `dest`. */
async function gunzipFile(gzPath: string, dest: string): Promise<void> {
  const temp = tempPathFor(dest);
  try {
    await pipeline(createReadStream(gzPath), createGunzip(), createWriteStream(temp));
    await rename(temp, dest);
  } catch (error) {
    await rm(temp, { force: true });
    const reason =
      (error as { code?: string }).code === 'Z_BUF_ERROR' ? 'truncated gzip data' : 'corrupt gzip data';
    throw formatError(gzPath, `${reason} (${(error as Error).message}); delete it to download a fresh copy`);
  }
}

async function fetchGz(gzPath: string, file: string, options: ShdOptions): Promise<void> {
  const md5 = options.md5?.[file] ?? Object.values(SHD_FILES).find((f) => f.file === file)?.md5;
  const mirrors = options.baseUrl === undefined ? SHD_MIRRORS : [options.baseUrl].flat();
  const failures: PlasticityError[] = [];
  for (const base of mirrors) {
    const url = new URL(file, base.endsWith('/') ? base : `${base}/`).href;
    try {
      await downloadFile(url, gzPath, {
        md5,
        signal: options.signal,
        onProgress: options.onProgress && ((p) => options.onProgress!({ ...p, file })),
      });
      return;
    } catch (error) {
      if (!isPlasticityError(error, 'E_DOWNLOAD') && !isPlasticityError(error, 'E_CHECKSUM')) throw error;
      failures.push(error);
    }
  }
  const last = failures.find((e) => e.code === 'E_CHECKSUM') ?? failures[failures.length - 1];
  throw new PlasticityError(
    last?.code ?? 'E_DOWNLOAD',
    `could not get ${file}: ${failures.map((e) => e.message).join('; ')}`,
    { file, mirrors, failures: failures.map((e) => e.message) },
  );
}

/**
 * The `.h5` of one split, ready to read: used as found, else inflated from the `.gz` beside it,
 * else the `.gz` is downloaded (md5-checked) first.
 */
export async function locateShdFile(split: ShdSplitName, options: ShdOptions = {}): Promise<string> {
  const dataDir = options.dataDir ?? defaultDataDir();
  const folder = join(dataDir, 'shd');
  await refuseDatasetFolderAsDataDir(
    dataDir,
    'shd',
    Object.values(SHD_FILES).flatMap(({ file }) => [file, file.replace(/\.gz$/, '')]),
  );
  const { file } = SHD_FILES[split];
  const gzPath = join(folder, file);
  const h5Path = gzPath.replace(/\.gz$/, '');
  if (await exists(h5Path)) return h5Path;
  if (!(await exists(gzPath))) {
    if (options.download === false) {
      throw new PlasticityError(
        'E_USAGE',
        `SHD file ${file} not found in ${folder} (tried ${h5Path}, ${gzPath}) and download is disabled; ` +
          'put the files there, point dataDir / PLASTICITY_DATA_DIR / --data-dir at a folder holding them, or allow download',
        { folder, tried: [h5Path, gzPath] },
      );
    }
    await fetchGz(gzPath, file, options);
  }
  await gunzipFile(gzPath, h5Path);
  return h5Path;
}

/**
 * Loads the Spiking Heidelberg Digits (Cramer et al. 2020) from `<dataDir>/shd/`, downloading
 * and inflating missing files (md5-checked, atomic). Both splits come as packed event lists in ms.
 */
export async function loadShd(options: ShdOptions = {}): Promise<ShdData> {
  const trainPath = await locateShdFile('train', options);
  const testPath = await locateShdFile('test', options);
  return { train: await readShdFile(trainPath, options), test: await readShdFile(testPath, options) };
}
