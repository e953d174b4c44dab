export { LegacyRandomState } from './random/mt19937.js';
export { yinYang, yinYangClass, YINYANG_SPLITS, YINYANG_CLASS_NAMES } from './yinyang/yinyang.js';
export type { YinYangOptions, YinYangData } from './yinyang/yinyang.js';
export { parseIdx, decodeIdx, encodeIdx } from './io/idx.js';
export type { IdxArray, IdxKind } from './io/idx.js';
export { isGzip, maybeGunzip } from './io/gzip.js';
export { parseNpy, encodeNpy, npyLabels, parseNpyRecords, isNpyRecords, encodeNpyRecords } from './io/npy.js';
export type { NpyArray, NpyData, NpyDtype, NpyInput, NpyRecords, NpyRecordType } from './io/npy.js';
export { parseCsv } from './io/csv.js';
export type { CsvData, CsvOptions } from './io/csv.js';
export type { DownloadProgress } from './io/download.js';
export { MNIST_FAMILIES } from './mnist/family.js';
export { fetchMnist } from './mnist/fetch.js';
export type { FetchMnistOptions } from './mnist/fetch.js';
export type {
  MnistData,
  MnistFamily,
  MnistFamilyName,
  MnistFileRole,
  MnistSplit,
  SampleLimit,
} from './mnist/family.js';
export type { MnistProgress } from './mnist/mnist.js';
export { arraySplit } from './batching/array-split.js';
export type { ArraySplit, ArraySplitOptions } from './batching/array-split.js';
export { preprocessFeatures, scaleValues } from './preprocess/preprocess.js';
export type { PreprocessSpec, RawFeatures } from './preprocess/preprocess.js';
export { checkRawInputs, finiteRange, rawInputsOf } from './preprocess/raw-inputs.js';
export type { CheckRawInputsOptions, RawInputSpec, TypedRawFeatures } from './preprocess/raw-inputs.js';
export { datasetLoader, listDatasets, carveValidation } from './registry/registry.js';
export { loadDataset } from './registry/fetch-sources.js';
export type {
  DatasetInfo,
  DatasetSources,
  DatasetSplit,
  DenseDatasetName,
  EventDatasetName,
  EventSource,
  LoadDataset,
  LoadDatasetOptions,
  LoadedDataset,
  ValidationOption,
} from './registry/registry.js';
export { delayedXor, DELAYED_XOR_CHANNELS, DELAYED_XOR_TIMING } from './tasks/delayed-xor.js';
export type { DelayedXorData, DelayedXorOptions } from './tasks/delayed-xor.js';
export { inputReproduction, INPUT_REPRODUCTION_SHAPE } from './tasks/input-reproduction.js';
export type { InputReproductionData } from './tasks/input-reproduction.js';
export { sequenceSplit } from './tasks/sequence-split.js';
export type { SequenceSplit, SequenceTargets } from './tasks/sequence-split.js';
export { eventSplit } from './events/event-split.js';
export type { EventSplit, EventSplitOptions } from './events/event-split.js';
export { randomShift } from './events/shift.js';
export { selectSamples } from './events/select.js';
export { sortEvents, isEventOrder } from './events/sort.js';
export { SHD_CHANNELS, SHD_CLASSES, SHD_DURATION } from './shd/constants.js';
export {
  parseNmnist,
  encodeNmnist,
  nmnistSample,
  nmnistChannel,
  NMNIST_CHANNELS,
  NMNIST_DURATION,
  NMNIST_SIZE,
} from './nmnist/nmnist-file.js';
export type { NmnistEvents } from './nmnist/nmnist-file.js';
export { DVS_DEFAULTS, dvsSensor, recordDvs } from './dvs/emulator.js';
export type { DvsOptions, DvsScene, DvsSensor } from './dvs/emulator.js';
export {
  MNIST_DVS_CHANNELS,
  MNIST_DVS_DEFAULT_LIMIT,
  SACCADE_DEFAULTS,
  movingDigitEvents,
  movingImageScene,
  saccadePath,
} from './dvs/moving-digit.js';
export type { MovingDigitOptions, SaccadeOptions, SaccadePath } from './dvs/moving-digit.js';
