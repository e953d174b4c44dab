import { PlasticityError } from '@plasticity/core-tensors';
import { decodeIdx } from '../io/idx.js';
import type { MnistData, MnistFamilyName, MnistFileRole, MnistSplit } from './family.js';
import type { MnistProgress } from './mnist.js';
import { MNIST_FAMILIES, mnistSplit } from './family.js';

export interface FetchMnistOptions {
  /** Where the four files are served (a file's URL is `baseUrl + name`); default: the public mirrors. */
  readonly baseUrl?: string | readonly string[];
  readonly family?: MnistFamilyName;
  readonly signal?: AbortSignal;
  /** One report per file fetched; `dest` is the URL (nothing is saved). */
  readonly onProgress?: (progress: MnistProgress) => void;
  /** The fetch to use (default the global one). */
  readonly fetch?: typeof fetch;
}

async function fetchBytes(url: string, options: FetchMnistOptions): Promise<Uint8Array> {
  const get = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await get(url, { signal: options.signal });
  } catch (error) {
    throw new PlasticityError(
      'E_DOWNLOAD',
      `fetch of ${url} failed: ${(error as Error).message}`,
      { url },
      { cause: error },
    );
  }
  if (!response.ok) {
    throw new PlasticityError(
      'E_DOWNLOAD',
      `fetch of ${url} failed: HTTP ${response.status} ${response.statusText}`,
      {
        url,
        status: response.status,
      },
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}

/** The first mirror that serves `file`; every failure is named in the E_DOWNLOAD error. */
async function fetchFile(file: string, mirrors: readonly string[], options: FetchMnistOptions) {
  const failures: string[] = [];
  for (const base of mirrors) {
    const url = new URL(file, base.endsWith('/') ? base : `${base}/`).href;
    try {
      const bytes = await fetchBytes(url, options);
      const receivedBytes = bytes.byteLength;
      options.onProgress?.({ url, dest: url, file, receivedBytes, totalBytes: receivedBytes, done: true });
      return { url, bytes };
    } catch (error) {
      if (!(error instanceof PlasticityError)) throw error;
      failures.push(error.message);
    }
  }
  throw new PlasticityError('E_DOWNLOAD', `could not get ${file}: ${failures.join('; ')}`, {
    file,
    mirrors,
    failures,
  });
}

/**
 * Fetches MNIST (or Fashion-MNIST) over HTTP and parses it in memory: works in browsers and in
 * Node. Files may be gzipped or raw IDX. Nothing is cached and no md5 is checked (WebCrypto has
 * no md5): serve the files yourself (`baseUrl`) from a place you trust. Node users who want a
 * verified on-disk cache use `loadMnist` from the Node entry.
 */
export async function fetchMnist(options: FetchMnistOptions = {}): Promise<MnistData> {
  const family = MNIST_FAMILIES[options.family ?? 'mnist'];
  if (family === undefined) {
    throw new PlasticityError('E_UNKNOWN_DATASET', `unknown MNIST family '${options.family}'`, {
      known: Object.keys(MNIST_FAMILIES),
    });
  }
  const mirrors = options.baseUrl === undefined ? family.mirrors : [options.baseUrl].flat();
  const read = async (role: MnistFileRole, kind: 'images' | 'labels') => {
    const { url, bytes } = await fetchFile(family.files[role].file, mirrors, options);
    return { url, idx: await decodeIdx(bytes, url, kind) };
  };
  const split = async (images: MnistFileRole, labels: MnistFileRole): Promise<MnistSplit> => {
    const x = await read(images, 'images');
    const y = await read(labels, 'labels');
    return mnistSplit(x.idx, y.idx, { images: x.url, labels: y.url }, family.classNames.length);
  };
  return { train: await split('trainImages', 'trainLabels'), test: await split('testImages', 'testLabels') };
}
