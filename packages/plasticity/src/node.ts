// The Node entry of plasticity (the `node` export condition of '.', and 'plasticity/node'):
// everything in the environment-neutral entry, plus the data sets' file-system side: reading
// files, the download cache, SHD (HDF5) and N-MNIST folders, and a loadDataset that uses them.
export * from './index.js';
export {
  defaultDataDir,
  downloadFile,
  loadDataset,
  loadMnist,
  loadNmnist,
  loadShd,
  locateShdFile,
  md5File,
  readCsv,
  readIdx,
  readNmnistFolder,
  readNpy,
  readShdFile,
  SHD_FILES,
  SHD_MIRRORS,
  writeNpy,
} from '@plasticity/datasets/node';
export type {
  DownloadOptions,
  MnistOptions,
  NmnistData,
  NmnistOptions,
  NmnistSplit,
  ShdData,
  ShdFile,
  ShdFileOptions,
  ShdOptions,
  ShdProgress,
  ShdSplitName,
} from '@plasticity/datasets/node';
