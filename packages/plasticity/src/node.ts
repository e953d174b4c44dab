// The Node entry of plasticity (the `node` export condition of '.', and 'plasticity/node'):
// everything in the environment-neutral entry, plus the data sets' file-system side (reading
// files, the download cache, SHD and N-MNIST folders, a loadDataset that uses them), even where
// a bundler resolved '@plasticity/datasets' to its neutral entry.
export * from './index.js';
export * from '@plasticity/datasets/node';
// Both entries of datasets define one; the Node one wins here.
export { loadDataset } from '@plasticity/datasets/node';
