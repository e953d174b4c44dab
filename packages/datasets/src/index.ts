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
export {
  latencyEncode,
  latencyTimes,
  latencyEvents,
  latencyDense,
  eventsToDense,
} from './encoding/latency.js';
export type { FeatureMatrix, LatencyCode, LatencyOptions, SpikeEvents } from './encoding/latency.js';
export { preprocessFeatures, scaleValues } from './preprocess/preprocess.js';
export type { PreprocessSpec, RawFeatures } from './preprocess/preprocess.js';
export { loadDataset, listDatasets, carveValidation } from './registry/registry.js';
export type {
  DatasetInfo,
  LoadDatasetOptions,
  LoadedDataset,
  ValidationOption,
} from './registry/registry.js';
