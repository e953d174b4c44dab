export { LegacyRandomState } from './random/mt19937.js';
export { yinYang, yinYangClass, YINYANG_SPLITS, YINYANG_CLASS_NAMES } from './yinyang/yinyang.js';
export type { YinYangOptions, YinYangData } from './yinyang/yinyang.js';
export { parseIdx, readIdx, encodeIdx } from './io/idx.js';
export type { IdxArray, IdxKind } from './io/idx.js';
export { isGzip } from './io/gzip.js';
export { parseNpy, readNpy, encodeNpy, writeNpy, npyLabels } from './io/npy.js';
export type { NpyArray, NpyData, NpyDtype, NpyInput } from './io/npy.js';
export { parseCsv, readCsv } from './io/csv.js';
export type { CsvData, CsvOptions } from './io/csv.js';
export { downloadFile, md5File } from './io/download.js';
export type { DownloadOptions, DownloadProgress } from './io/download.js';
export { defaultDataDir } from './io/data-dir.js';
export { loadMnist, MNIST_FAMILIES } from './mnist/mnist.js';
export type {
  MnistData,
  MnistFamily,
  MnistFamilyName,
  MnistFileRole,
  MnistOptions,
  MnistProgress,
  MnistSplit,
} from './mnist/mnist.js';
export { arraySplit } from './batching/array-split.js';
export type { ArraySplit, ArraySplitOptions } from './batching/array-split.js';
export { preprocessFeatures, scaleValues } from './preprocess/preprocess.js';
export type { PreprocessSpec, RawFeatures } from './preprocess/preprocess.js';
export { loadDataset, listDatasets, carveValidation } from './registry/registry.js';
export type {
  DatasetInfo,
  DatasetSplit,
  DenseDatasetName,
  EventDatasetName,
  LoadDatasetOptions,
  LoadedDataset,
  ValidationOption,
} from './registry/registry.js';
export { eventSplit } from './events/event-split.js';
export type { EventSplit, EventSplitOptions } from './events/event-split.js';
export { binEvents, stepsFor } from './events/bin.js';
export type { BinOptions } from './events/bin.js';
export { randomShift } from './events/shift.js';
export { selectSamples } from './events/select.js';
export { sortEvents, isEventOrder } from './events/sort.js';
export { loadShd, locateShdFile, SHD_FILES, SHD_MIRRORS } from './shd/shd.js';
export type { ShdData, ShdOptions, ShdProgress, ShdSplitName } from './shd/shd.js';
export { readShdFile, SHD_CHANNELS, SHD_CLASSES, SHD_DURATION } from './shd/shd-file.js';
export type { ShdFile, ShdFileOptions } from './shd/shd-file.js';
export {
  parseNmnist,
  encodeNmnist,
  nmnistSample,
  nmnistChannel,
  NMNIST_CHANNELS,
  NMNIST_SIZE,
} from './nmnist/nmnist-file.js';
export type { NmnistEvents } from './nmnist/nmnist-file.js';
export { loadNmnist, readNmnistFolder, NMNIST_DURATION } from './nmnist/nmnist.js';
export type { NmnistData, NmnistOptions, NmnistSplit } from './nmnist/nmnist.js';
