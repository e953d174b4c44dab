import { PlasticityError } from '@plasticity/core-tensors';
import { decodeIdx } from '../io/idx.js';
import type { MnistData, MnistFamilyName, MnistFileRole, MnistSplit, SampleLimit } from './family.js';
import type { MnistProgress } from './mnist.js';
import { MNIST_FAMILIES, checkLimit, firstSamples, mnistSplit } from './family.js';

export interface FetchMnistOptions {
  /** Where the four files are served (a file's URL is `baseUrl + name`); default: the public mirrors. */
  readonly baseUrl?: string | readonly string[];
  readonly family?: MnistFamilyName;
  readonly signal?: AbortSignal;
  /** One report per file fetched; `dest` is the URL (nothing is saved). */
  readonly onProgress?: (progress: MnistProgress) => void;
  /** The fetch to use (default the global one). */
  readonly fetch?: typeof fetch;
  /**
   * Keep only the first `train` / `test` samples (at most). The four files are still fetched
   * whole: IDX files are not split into parts; slicing saves memory and training time, not download.
   */
  readonly limit?: SampleLimit;
}

async function fetchBytes(url: string, options: FetchMnistOptions): Promise<Uint8Array> {
  const get = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await get(url, { signal: options.signal });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    // Browsers say only "Failed to fetch" for a refused connection, an unknown host and a CORS refusal alike.
    throw new PlasticityError(
      'E_DOWNLOAD',
      `fetch of ${url} failed: ${(error as Error).message} (is the server up, and does it allow cross-origin requests if it is not this page's own?)`,
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
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (looksLikeHtml(bytes)) {
    // Static hosts often answer a missing file with their HTML index page and status 200.
    throw new PlasticityError(
      'E_DATA_FORMAT',
      `${url} is an HTML page, not an IDX file: the base URL is probably wrong (the server answered a missing file with a page)`,
      { url, file: url },
    );
  }
  return bytes;
}

/** True when the bytes start (after blanks) with `<`: an HTML or XML page, which an IDX or gzip file never does. */
function looksLikeHtml(bytes: Uint8Array): boolean {
  const first = bytes.findIndex(
    (b) => b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0xef && b !== 0xbb && b !== 0xbf,
  );
  return first >= 0 && first < 64 && bytes[first] === 0x3c;
}

/**
 * `base + file` as an absolute URL. A relative base (`mnist/`, `/data/mnist`) resolves against
 * the page's address in a browser; elsewhere it has nothing to resolve against.
 */
function fileUrl(file: string, base: string): string {
  const folder = base.endsWith('/') ? base : `${base}/`;
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  try {
    return new URL(file, new URL(folder, page)).href;
  } catch {
    throw new PlasticityError(
      'E_USAGE',
      `baseUrl '${base}' is not a URL` +
        (page === undefined
          ? ' (a relative one needs a page to resolve against: give http(s)://host/path/)'
          : ''),
      { field: 'baseUrl', value: base },
    );
  }
}

/** The first mirror that serves `file`; every failure is named in the E_DOWNLOAD error. */
async function fetchFile(file: string, mirrors: readonly string[], options: FetchMnistOptions) {
  const failures: PlasticityError[] = [];
  for (const base of mirrors) {
    const url = fileUrl(file, base);
    try {
      const bytes = await fetchBytes(url, options);
      const receivedBytes = bytes.byteLength;
      options.onProgress?.({ url, dest: url, file, receivedBytes, totalBytes: receivedBytes, done: true });
      return { url, bytes };
    } catch (error) {
      if (!(error instanceof PlasticityError)) throw error;
      failures.push(error);
    }
  }
  // Every mirror answered with a page instead of the file: a wrong URL more than a network problem.
  const code = failures.every((e) => e.code === 'E_DATA_FORMAT') ? 'E_DATA_FORMAT' : 'E_DOWNLOAD';
  throw new PlasticityError(code, `could not get ${file}: ${failures.map((e) => e.message).join('; ')}`, {
    file,
    mirrors,
    failures: failures.map((e) => e.message),
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
  checkLimit(options.limit);
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
  const train = await split('trainImages', 'trainLabels');
  const test = await split('testImages', 'testLabels');
  return { train: firstSamples(train, options.limit?.train), test: firstSamples(test, options.limit?.test) };
}
