import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { PlasticityError } from '@plasticity/core-tensors';
import { parseCsv } from '../io/csv.js';
import { formatError } from '../io/errors.js';
import { npyLabels, parseNpy } from '../io/npy.js';
import type { TypedRawFeatures } from '../preprocess/raw-inputs.js';

/** A user's file as a run records it: where, how big, and its content hash. */
export interface UserFileRecord {
  /** Absolute path. */
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** Reads a file and records its size and sha256 (so a later run can tell it changed). */
export async function readUserFile(path: string): Promise<{ bytes: Uint8Array; record: UserFileRecord }> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PlasticityError(
      'E_USAGE',
      code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${String(error)})`,
      { file: path },
      { cause: error },
    );
  }
  const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { bytes, record: { path, bytes: bytes.length, sha256 } };
}

function kindOf(path: string): '.npy' | '.csv' {
  const ext = extname(path).toLowerCase();
  if (ext === '.npy' || ext === '.csv') return ext;
  throw new PlasticityError(
    'E_USAGE',
    `${path}: unsupported file type '${ext || '(none)'}'; use .npy (numpy.save) or .csv (numbers, one row per sample)`,
    { file: path },
  );
}

/**
 * Features of a user file, one row per sample: `.npy` as saved (`[N, ...]`, its dtype kept),
 * or `.csv` (every cell a number; a first row holding any non-number is a header) as float32
 * `[N, columns]`. A 1-D array or an empty file is E_SHAPE.
 */
export function parseFeatureFile(bytes: Uint8Array, path: string): TypedRawFeatures {
  let features: TypedRawFeatures;
  if (kindOf(path) === '.npy') {
    features = parseNpy(bytes, path);
  } else {
    const csv = parseCsv(new TextDecoder().decode(bytes), path);
    features = { dtype: 'float32', shape: csv.shape, data: csv.features };
  }
  const { shape } = features;
  if (shape.length < 2 || shape[0] === 0 || shape.slice(1).some((d) => d === 0)) {
    throw new PlasticityError(
      'E_SHAPE',
      `${path}: features have shape (${shape.join(', ')}); expected one row per sample, [N, features...] with N ≥ 1` +
        (shape.length === 1 ? ' (a single feature per sample: save it as [N, 1])' : ''),
      { file: path, shape: [...shape] },
    );
  }
  return features;
}

/**
 * Class labels of a user file: `.npy` 1-D (or `[N, 1]`), or a one-column `.csv` (a
 * non-numeric first row is a header); whole numbers ≥ 0.
 */
export function parseLabelFile(bytes: Uint8Array, path: string): Int32Array {
  if (kindOf(path) === '.npy') return npyLabels(parseNpy(bytes, path), path);
  const csv = parseCsv(new TextDecoder().decode(bytes), path, { labelColumn: 0 });
  if (csv.shape[1] !== 0) {
    throw formatError(path, `a label file has one column; found ${csv.shape[1] + 1}`);
  }
  return csv.labels!;
}
