import { loadMnist } from '../mnist/mnist.js';
import { loadNmnist } from '../nmnist/nmnist.js';
import { loadShd } from '../shd/shd.js';
import type { DatasetSources } from './registry.js';
import { datasetLoader } from './registry.js';

/** Node: files in the data dir, downloaded (md5-checked) when missing. */
export const nodeSources: DatasetSources = {
  mnist: (family, options) => loadMnist({ ...options, family }),
  shd: (options) => loadShd(options),
  nmnist: (options) => loadNmnist({ dataDir: options.dataDir, duration: options.duration }),
};

/**
 * Loads a data set by name: Yin-Yang is generated, the others are read from `dataDir`
 * (downloaded there when missing and allowed). An unknown name is E_UNKNOWN_DATASET.
 */
export const loadDataset = datasetLoader(nodeSources);
