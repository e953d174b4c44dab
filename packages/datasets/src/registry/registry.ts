import { PlasticityError, createRng, stepsFor } from '@plasticity/core-tensors';
import type { TaskSpec } from '@plasticity/core-tensors';
import type { ArraySplit } from '../batching/array-split.js';
import { arraySplit } from '../batching/array-split.js';
import type { MnistData, MnistFamilyName, SampleLimit } from '../mnist/family.js';
import { MNIST_FAMILIES, checkLimit, firstSamples } from '../mnist/family.js';
import type { MnistProgress } from '../mnist/mnist.js';
import type { PreprocessSpec } from '../preprocess/preprocess.js';
import { scaleValues } from '../preprocess/preprocess.js';
import { YINYANG_CLASS_NAMES, YINYANG_SPLITS, yinYang } from '../yinyang/yinyang.js';
import type { EventSplit, EventSplitOptions } from '../events/event-split.js';
import { eventSplit } from '../events/event-split.js';
import type { EventBatch } from '@plasticity/core-tensors';
import { SHD_CHANNELS, SHD_CLASSES } from '../shd/constants.js';
import { NMNIST_CHANNELS } from '../nmnist/nmnist-file.js';
import { MNIST_DVS_CHANNELS, MNIST_DVS_DEFAULT_LIMIT, movingDigitEvents } from '../dvs/moving-digit.js';
import { DELAYED_XOR_DESCRIPTION, DELAYED_XOR_SPLITS, loadDelayedXor } from '../tasks/delayed-xor.js';
import {
  INPUT_REPRODUCTION_DESCRIPTION,
  INPUT_REPRODUCTION_SPLITS,
  loadInputReproduction,
} from '../tasks/input-reproduction.js';
import type { SequenceSplit } from '../tasks/sequence-split.js';

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
  /**
   * Event data sets (shd, nmnist): `'events'` (default) yields `EventBatch` inputs, `'binned'`
   * `[T, B, channels]` spike-count tensors on a `dt` grid.
   */
  readonly format?: 'events' | 'binned';
  /** Step of the binned format, ms (default 1). */
  readonly dt?: number;
  /** Event data sets: random-shift augmentation of the training split's units by up to ± this (default 0). */
  readonly randomShift?: number;
  /** Event data sets: window in ms (default: the data set's); later events are dropped. */
  readonly duration?: number;
  /**
   * MNIST family and mnist-dvs: keep only the first `train` / `test` samples of each split (at most; a smaller
   * file keeps all it has), e.g. to train in the page in seconds. The files are still fetched
   * or read whole (IDX is not split into parts); only the samples kept are scaled and batched.
   * A validation split is carved from the kept training samples.
   */
  readonly limit?: SampleLimit;
}

/** A split of a loaded data set: dense features in arrays, event lists, or time series. */
export type DatasetSplit = ArraySplit | EventSplit | SequenceSplit;

/** A loaded data set; `S` is `ArraySplit` for dense sets and `EventSplit` for event sets (shd, nmnist). */
export interface LoadedDataset<S extends DatasetSplit = DatasetSplit> {
  readonly name: string;
  readonly task: TaskSpec;
  readonly train: S;
  readonly test: S;
  readonly validation?: S;
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
  /** The input kind its task has as loaded by default (`'events'` unless `format: 'binned'`; `'spikes'` for generated time series). */
  readonly input: 'dense' | 'events' | 'spikes';
}

interface DatasetEntry extends DatasetInfo {
  load(options: LoadDatasetOptions, sources: DatasetSources): Promise<LoadedDataset>;
}

/** Packed events and labels of one split, as the event loaders return them. */
export interface EventSource {
  readonly events: EventBatch;
  readonly labels: Int32Array;
}

/**
 * Where the file-backed data sets get their raw data: the Node entry reads (and downloads
 * into) the data dir, the browser entry fetches over HTTP.
 */
export interface DatasetSources {
  mnist(family: MnistFamilyName, options: LoadDatasetOptions): Promise<MnistData>;
  shd(options: LoadDatasetOptions): Promise<{
    readonly train: EventSource & { readonly keys?: readonly string[] };
    readonly test: EventSource;
  }>;
  nmnist(options: LoadDatasetOptions): Promise<{ readonly train: EventSource; readonly test: EventSource }>;
}

function yinYangSplit(split: keyof typeof YINYANG_SPLITS, shuffle: boolean): ArraySplit {
  const { features, labels } = yinYang(YINYANG_SPLITS[split]);
  return arraySplit(features, [4], labels, { shuffle });
}

const YINYANG_DESCRIPTION =
  'Yin-Yang (Kriener et al. 2022): 2-D points in a yin-yang sign, 3 classes (yin, yang, dot), ' +
  'features [x, y, 1−x, 1−y]; the published splits regenerated bit for bit (numpy seeds 42/41/40).';

async function loadYinYang(options: LoadDatasetOptions): Promise<LoadedDataset<ArraySplit>> {
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
    preprocess: {
      kind: 'mirror',
      inputShape: [4],
      raw: { what: 'Yin-Yang points (x, y)', dtype: 'float64', range: [0, 1], bounds: 'exact', shape: [2] },
    },
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
    input: 'dense',
    async load(options, sources) {
      checkLimit(options.limit);
      const loaded = await sources.mnist(family, options);
      const data = {
        train: firstSamples(loaded.train, options.limit?.train),
        test: firstSamples(loaded.test, options.limit?.test),
      };
      const { rows, cols } = data.train;
      const preprocess: PreprocessSpec = {
        kind: 'scale',
        factor: 1 / 255,
        inputShape: [rows * cols],
        rawRange: [0, 255],
        raw: {
          what: `${family} pixels`,
          dtype: 'uint8',
          range: [0, 255],
          bounds: 'exact',
          shape: [rows, cols],
        },
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

function checkEventOptions(name: string, options: LoadDatasetOptions): { dt: number; binned: boolean } {
  const binned = options.format === 'binned';
  if (options.format !== undefined && options.format !== 'events' && !binned) {
    throw new PlasticityError(
      'E_CONFIG',
      `${name}: format must be 'events' or 'binned', got '${options.format}'`,
      {
        field: 'format',
      },
    );
  }
  const dt = options.dt ?? 1;
  if (!(Number.isFinite(dt) && dt > 0)) {
    throw new PlasticityError('E_CONFIG', `${name}: dt must be a number > 0 (ms), got ${dt}`, {
      field: 'dt',
    });
  }
  return { dt, binned };
}

/** Builds the splits and task of an event data set from its loaded train/test events. */
function eventDataset(
  name: string,
  meta: { description: string; classNames: readonly string[]; channels: number },
  loaded: { train: EventSource; test: EventSource },
  options: LoadDatasetOptions,
): LoadedDataset<EventSplit> {
  const { dt, binned } = checkEventOptions(name, options);
  const duration = loaded.train.events.duration;
  const base: EventSplitOptions = binned ? { binned: { dt } } : {};
  const trainOptions: EventSplitOptions = { ...base, shuffle: true, randomShift: options.randomShift ?? 0 };
  const evalOptions: EventSplitOptions = { ...base, shuffle: false };
  let train: EventSplit = eventSplit(loaded.train.events, loaded.train.labels, trainOptions);
  let validation: EventSplit | undefined;
  if (options.validation !== undefined) {
    const carved = carveValidation(train.size, options.validation);
    validation = train.subset(carved.validation, evalOptions);
    train = train.subset(carved.train, trainOptions);
  }
  const { channels } = meta;
  return {
    name,
    task: {
      input: binned
        ? { kind: 'spikes', steps: stepsFor(duration, dt), channels, dt }
        : { kind: 'events', channels, duration },
      outputs: meta.classNames.length,
      kind: 'classification',
    },
    train,
    validation,
    test: eventSplit(loaded.test.events, loaded.test.labels, evalOptions),
    preprocess: { kind: 'identity', inputShape: [channels] },
    description: meta.description,
    classNames: meta.classNames,
  };
}

const SHD_DESCRIPTION =
  'Spiking Heidelberg Digits (Cramer et al. 2020): spoken digits 0–9 in English and German (20 classes) ' +
  'as spikes of a 700-channel cochlea model, event lists in ms over a 1.4 s window.';

const NMNIST_DESCRIPTION =
  'N-MNIST (Orchard et al. 2015): MNIST digits recorded by an ATIS event camera over three saccades, ' +
  '34×34 pixels × 2 polarities = 2312 channels, event lists in ms.';

const MNIST_DVS_DESCRIPTION =
  'MNIST-DVS, emulated: MNIST digits moved along three 100 ms saccades in front of an emulated event camera ' +
  `(log-intensity contrast threshold 0.2, mismatch, refractory period, background noise), 34×34 pixels × 2 polarities = ${MNIST_DVS_CHANNELS} channels, event lists in ms; ` +
  `the first ${MNIST_DVS_DEFAULT_LIMIT.train} training and ${MNIST_DVS_DEFAULT_LIMIT.test} test images unless 'limit' says otherwise.`;

/** Seeds of the emulated recordings: the training and test images get their own sensors' noise. */
const MNIST_DVS_SEEDS = { train: 1, test: 2 } as const;

const REGISTRY: readonly DatasetEntry[] = [
  {
    name: 'yinyang',
    description: YINYANG_DESCRIPTION,
    sizes: { train: 5000, validation: 1000, test: 1000 },
    files: false,
    input: 'dense',
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
  {
    name: 'shd',
    description: SHD_DESCRIPTION,
    sizes: { train: 8156, test: 2264 },
    files: true,
    input: 'events',
    async load(options, sources) {
      checkEventOptions('shd', options);
      const data = await sources.shd(options);
      const keys = data.train.keys;
      const classNames =
        keys !== undefined && keys.length === SHD_CLASSES
          ? keys
          : Array.from({ length: SHD_CLASSES }, (_, i) => String(i));
      return eventDataset(
        'shd',
        { description: SHD_DESCRIPTION, classNames, channels: SHD_CHANNELS },
        data,
        options,
      );
    },
  },
  {
    name: 'nmnist',
    description: NMNIST_DESCRIPTION,
    sizes: { train: 60000, test: 10000 },
    files: true,
    input: 'events',
    async load(options, sources) {
      checkEventOptions('nmnist', options);
      const data = await sources.nmnist(options);
      const classNames = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
      return eventDataset(
        'nmnist',
        { description: NMNIST_DESCRIPTION, classNames, channels: NMNIST_CHANNELS },
        data,
        options,
      );
    },
  },
  {
    name: 'mnist-dvs',
    description: MNIST_DVS_DESCRIPTION,
    sizes: MNIST_DVS_DEFAULT_LIMIT,
    files: true,
    input: 'events',
    async load(options, sources) {
      checkEventOptions('mnist-dvs', options);
      checkLimit(options.limit);
      const limit = { ...MNIST_DVS_DEFAULT_LIMIT, ...options.limit };
      const mnist = await sources.mnist('mnist', options);
      const record = (split: 'train' | 'test'): EventSource => {
        const images = firstSamples(mnist[split], limit[split]);
        return {
          events: movingDigitEvents(images.images, images, {}, MNIST_DVS_SEEDS[split]),
          labels: Int32Array.from(images.labels),
        };
      };
      return eventDataset(
        'mnist-dvs',
        {
          description: MNIST_DVS_DESCRIPTION,
          classNames: [...MNIST_FAMILIES.mnist.classNames],
          channels: MNIST_DVS_CHANNELS,
        },
        { train: record('train'), test: record('test') },
        options,
      );
    },
  },
  {
    name: 'delayed-xor',
    description: DELAYED_XOR_DESCRIPTION,
    sizes: { train: DELAYED_XOR_SPLITS.train.trials, test: DELAYED_XOR_SPLITS.test.trials },
    files: false,
    input: 'spikes',
    load: async (options) => loadDelayedXor(options),
  },
  {
    name: 'input-reproduction',
    description: INPUT_REPRODUCTION_DESCRIPTION,
    sizes: { train: INPUT_REPRODUCTION_SPLITS.train.series, test: INPUT_REPRODUCTION_SPLITS.test.series },
    files: false,
    input: 'spikes',
    load: async (options) => loadInputReproduction(options),
  },
];

/** The data sets `loadDataset` knows. */
export function listDatasets(): DatasetInfo[] {
  return REGISTRY.map(({ name, description, sizes, files, input }) => ({
    name,
    description,
    sizes,
    files,
    input,
  }));
}

/** Names of the data sets whose splits are dense arrays. */
export type DenseDatasetName = 'yinyang' | MnistFamilyName;
/** Names of the data sets whose splits are event lists. */
export type EventDatasetName = 'shd' | 'nmnist' | 'mnist-dvs';

/** `loadDataset`: a data set by name; an unknown name is E_UNKNOWN_DATASET listing the known ones. */
export interface LoadDataset {
  (name: DenseDatasetName, options?: LoadDatasetOptions): Promise<LoadedDataset<ArraySplit>>;
  (name: EventDatasetName, options?: LoadDatasetOptions): Promise<LoadedDataset<EventSplit>>;
  (name: string, options?: LoadDatasetOptions): Promise<LoadedDataset>;
}

/** A `loadDataset` whose file-backed data sets read through `sources`. */
export function datasetLoader(sources: DatasetSources): LoadDataset {
  const load = async (name: string, options: LoadDatasetOptions = {}): Promise<LoadedDataset> => {
    const entry = REGISTRY.find((d) => d.name === name);
    if (entry === undefined) {
      const known = REGISTRY.map((d) => d.name);
      throw new PlasticityError(
        'E_UNKNOWN_DATASET',
        `unknown dataset '${name}'; known: ${known.join(', ')}`,
        {
          name,
          known,
        },
      );
    }
    if (options.limit !== undefined && !Object.hasOwn(MNIST_FAMILIES, name) && name !== 'mnist-dvs') {
      throw new PlasticityError(
        'E_CONFIG',
        `the 'limit' option applies to the MNIST family (mnist, fashion-mnist, mnist-dvs), not to '${name}'`,
        { field: 'limit', name },
      );
    }
    return entry.load(options, sources);
  };
  return load as LoadDataset;
}
