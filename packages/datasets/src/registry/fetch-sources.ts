import { PlasticityError } from '@plasticity/core-tensors';
import { fetchMnist } from '../mnist/fetch.js';
import type { DatasetSources } from './registry.js';
import { datasetLoader } from './registry.js';

function needsNode(name: string): Promise<never> {
  return Promise.reject(
    new PlasticityError(
      'E_USAGE',
      `${name} is read from files on disk and needs Node: import loadDataset from '@plasticity/datasets/node' there`,
      { name },
    ),
  );
}

/** Environment-neutral: MNIST-family files fetched from `baseUrl` (or the public mirrors); SHD and N-MNIST need Node. */
export const fetchSources: DatasetSources = {
  mnist: (family, options) =>
    fetchMnist({ family, baseUrl: options.baseUrl, signal: options.signal, onProgress: options.onProgress }),
  shd: () => needsNode('shd'),
  nmnist: () => needsNode('nmnist'),
};

/**
 * Loads a data set by name, anywhere `fetch` works: Yin-Yang is generated, MNIST and
 * Fashion-MNIST are fetched from `baseUrl` (see `fetchMnist`). An unknown name is E_UNKNOWN_DATASET.
 */
export const loadDataset = datasetLoader(fetchSources);
