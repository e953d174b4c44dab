// The Node entry (the `node` export condition of '.', and './node'): everything in the
// environment-neutral entry, plus reading and downloading files, and a loadDataset that
// caches data sets in the data dir.
export * from './index.js';
export { readIdx, readNpy, writeNpy, readCsv } from './io/files.js';
export { downloadFile, md5File } from './io/download.js';
export type { DownloadOptions } from './io/download.js';
export { defaultDataDir } from './io/data-dir.js';
export { loadMnist } from './mnist/mnist.js';
export type { MnistOptions } from './mnist/mnist.js';
export { loadDataset } from './registry/node-sources.js';
export { loadShd, locateShdFile, SHD_FILES, SHD_MIRRORS } from './shd/shd.js';
export type { ShdData, ShdOptions, ShdProgress, ShdSplitName } from './shd/shd.js';
export { readShdFile } from './shd/shd-file.js';
export type { ShdFile, ShdFileOptions } from './shd/shd-file.js';
export { loadNmnist, readNmnistFiles, readNmnistFolder } from './nmnist/nmnist.js';
export type { NmnistData, NmnistOptions, NmnistSplit } from './nmnist/nmnist.js';
export { parseFeatureFile, parseLabelFile, readUserFile } from './files/read-arrays.js';
export type { UserFileRecord } from './files/read-arrays.js';
export { USER_FILES_DATASET, loadUserFiles, reloadUserFiles } from './files/user-files.js';
export type {
  UserFilesDataset,
  UserFilesOptions,
  UserFilesRecord,
  UserSplitName,
  UserSplitPaths,
} from './files/user-files.js';
export { eventSpecOf, packEvents } from './files/event-files.js';
export type { EventFilesSpec, EventLayout } from './files/event-files.js';
export { NMNIST_FOLDER_SPEC, readEventFolder } from './files/event-folder.js';
