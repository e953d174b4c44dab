// The Node entry of @plasticity/neurons (the `node` export condition of '.', and
// '@plasticity/neurons/node'): everything in the environment-neutral entry, plus reading and
// writing .nir files (HDF5 through the optional peer h5wasm, on the file system).
export * from './index.js';
export { readNirFile, writeNirFile } from './nir/file.js';
