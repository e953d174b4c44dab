import { PlasticityError, createRng } from '@plasticity/core-tensors';
import type { TaskSpec } from '@plasticity/core-tensors';
import type { ArraySplit } from '../batching/array-split.js';
import { arraySplit } from '../batching/array-split.js';
import type { MnistFamilyName, MnistProgress } from '../mnist/mnist.js';
import { MNIST_FAMILIES, loadMnist } from '../mnist/mnist.js';
import type { PreprocessSpec } from '../preprocess/preprocess.js';
import { scaleValues } from '../preprocess/preprocess.js';
import { YINYANG_CLASS_NAMES, YINYANG_SPLITS, yinYang } from '../yinyang/yinyang.js';

/** Carve a validation split from train: a sample count, a fraction (0–1), or either with a seed (default 0). */
export type ValidationOption =
  number | { readonly size?: number; readonly fraction?: number; readonly seed?: number };

export interface LoadDatasetOptions {
  /** Where file-based data sets live and downloads are cached (default `defaultDataDir()`). */
  readonly dataDir?: string;
  /** Download missing files (default true). */
  readonly download?: boolean;
  readonly onProgress?: (progress: MnistProgress) => void;
  /** Validation split carved from train, for data sets without a published one. */
  readonly validation?: ValidationOption;
  /** Download mirror(s) overriding the defaults. */
  readonly baseUrl?: string | readonly string[];
  readonly signal?: AbortSignal;
}

export interface LoadedDataset {
  readonly name: string;
  readonly task: TaskSpec;
  readonly train: ArraySplit;
  readonly test: ArraySplit;
  readonly validation?: ArraySplit;
  /** How raw features became `train`/`test` inputs; apply to new data with `preprocessFeatures`. */
  readonly preprocess: PreprocessSpec;
  readonly description: string;
  readonly classNames: readonly string[];
}

export interface DatasetInfo {
  readonly name: string;
  readonly description: string;
  /** Sample counts of the standard splits. */
  readonly sizes: { readonly train: number; readonly validation?: number; readonly test: number };
  /** Whether it reads files (from the data dir, downloading when allowed) rather than generating data. */
  readonly files: boolean;
}

interface DatasetEntry extends DatasetInfo {
  load(options: LoadDatasetOptions): Promise<LoadedDataset>;
}

function yinYangSplit(split: keyof typeof YINYANG_SPLITS, shuffle: boolean): ArraySplit {
  const { features, labels } = yinYang(YINYANG_SPLITS[split]);
  return arraySplit(features, [4], labels, { shuffle });
}

const YINYANG_DESCRIPTION =
  'Yin-Yang (Kriener et al. 2022): 2-D points in a yin-yang sign, 3 classes (yin, yang, dot), ' +
  'features [x, y, 1−x, 1−y]; the published splits regenerated bit for bit (numpy seeds 42/41/40).';

async function loadYinYang(options: LoadDatasetOptions): Promise<LoadedDataset> {
  if (options.validation !== undefined) {
    throw new PlasticityError(
      'E_USAGE',
      "yinyang comes with its published validation split (1000 samples, seed 41); the 'validation' option applies to data sets without one",
      { field: 'validation' },
    );
  }
  return {
    name: 'yinyang',
    task: { input: { kind: 'dense', shape: [4] }, outputs: 3, kind: 'classification' },
    train: yinYangSplit('train', true),
    validation: yinYangSplit('validation', false),
    test: yinYangSplit('test', false),
    preprocess: { kind: 'mirror', inputShape: [4] },
    description: YINYANG_DESCRIPTION,
    classNames: [...YINYANG_CLASS_NAMES],
  };
}

/** Splits `size` rows into (validation, train) index lists, each in ascending order. */
export function carveValidation(
  size: number,
  option: ValidationOption,
): { validation: Int32Array; train: Int32Array } {
  const spec = typeof option === 'number' ? (option < 1 ? { fraction: option } : { size: option }) : option;
  const count = spec.size ?? (spec.fraction !== undefined ? Math.round(spec.fraction * size) : NaN);
  if (!Number.isInteger(count) || count < 1 || count >= size) {
    throw new PlasticityError(
      'E_CONFIG',
      `validation must leave both splits non-empty: got ${JSON.stringify(option)} for ${size} training samples`,
      { field: 'validation' },
    );
  }
  const order = createRng(spec.seed ?? 0)
    .fork('validation')
    .permutation(size);
  const validation = order.slice(0, count).sort();
  const train = order.slice(count).sort();
  return { validation, train };
}

function mnistFamilyEntry(family: MnistFamilyName, description: string): DatasetEntry {
  return {
    name: family,
    description,
    sizes: { train: 60000, test: 10000 },
    files: true,
    async load(options) {
      const data = await loadMnist({ ...options, family });
      const { rows, cols } = data.train;
      const preprocess: PreprocessSpec = {
        kind: 'scale',
        factor: 1 / 255,
        inputShape: [rows * cols],
        rawRange: [0, 255],
      };
      const toSplit = (images: Uint8Array, labels: Uint8Array, shuffle: boolean): ArraySplit =>
        arraySplit(scaleValues(images, preprocess.factor), preprocess.inputShape, Int32Array.from(labels), {
          shuffle,
        });
      let train: ArraySplit;
      let validation: ArraySplit | undefined;
      if (options.validation === undefined) {
        train = toSplit(data.train.images, data.train.labels, true);
      } else {
        // Carve on the raw bytes, then scale each part once.
        const carved = carveValidation(data.train.count, options.validation);
        const width = rows * cols;
        const part = (indices: Int32Array, shuffle: boolean): ArraySplit => {
          const images = new Uint8Array(indices.length * width);
          indices.forEach((row, i) =>
            images.set(data.train.images.subarray(row * width, (row + 1) * width), i * width),
          );
          return toSplit(
            images,
            Uint8Array.from(indices, (row) => data.train.labels[row]),
            shuffle,
          );
        };
        train = part(carved.train, true);
        validation = part(carved.validation, false);
      }
      return {
        name: family,
        task: { input: { kind: 'dense', shape: [rows * cols] }, outputs: 10, kind: 'classification' },
        train,
        validation,
        test: toSplit(data.test.images, data.test.labels, false),
        preprocess,
        description,
        classNames: [...MNIST_FAMILIES[family].classNames],
      };
    },
  };
}

const REGISTRY: readonly DatasetEntry[] = [
  {
    name: 'yinyang',
    description: YINYANG_DESCRIPTION,
    sizes: { train: 5000, validation: 1000, test: 1000 },
    files: false,
    load: loadYinYang,
  },
  mnistFamilyEntry(
    'mnist',
    'MNIST handwritten digits (LeCun et al. 1998): 28×28 grey images, 10 classes, pixels scaled to [0, 1], flattened to 784.',
  ),
  mnistFamilyEntry(
    'fashion-mnist',
    'Fashion-MNIST (Xiao et al. 2017): 28×28 grey clothing images, 10 classes, pixels scaled to [0, 1], flattened to 784.',
  ),
];

/** The data sets `loadDataset` knows. */
export function listDatasets(): DatasetInfo[] {
  return REGISTRY.map(({ name, description, sizes, files }) => ({ name, description, sizes, files }));
}

/** Loads a data set by name; an unknown name is E_UNKNOWN_DATASET listing the known ones. */
export async function loadDataset(name: string, options: LoadDatasetOptions = {}): Promise<LoadedDataset> {
  const entry = REGISTRY.find((d) => d.name === name);
  if (entry === undefined) {
    const known = REGISTRY.map((d) => d.name);
    throw new PlasticityError('E_UNKNOWN_DATASET', `unknown dataset '${name}'; known: ${known.join(', ')}`, {
      name,
      known,
    });
  }
  return entry.load(options);
}
