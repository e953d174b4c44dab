// The default MNIST URL of the MNIST examples: the subset the site build cut from the real
// files (`docs/scripts/mnist-subset.js` → <base>mnist-subset/), or, when the site was built
// without it, a public mirror (which must allow cross-origin requests).
import { withBase } from 'vitepress';
import type { InputSpec } from './protocol.js';

/** A public MNIST mirror (the four published .gz files). */
export const MNIST_MIRROR = 'https://storage.googleapis.com/cvdf-datasets/mnist/';

interface SubsetManifest {
  readonly dataset: string;
  readonly train: number;
  readonly test: number;
}

/** The site's subset URL and what it holds, or the mirror and why, as an input's default. */
export async function mnistSource(subset = withBase('/mnist-subset/')) {
  try {
    const response = await fetch(`${subset}subset.json`);
    // Many static hosts answer a missing file with an HTML page: only the manifest counts.
    const manifest = response.ok ? ((await response.json()) as SubsetManifest) : undefined;
    if (manifest?.dataset === 'mnist') {
      return {
        value: subset,
        note: `This site's MNIST subset: the first ${manifest.train} training and ${manifest.test} test images. Any URL serving the four MNIST files works.`,
      };
    }
  } catch {
    // No manifest: fall through to the mirror.
  }
  return {
    value: MNIST_MIRROR,
    note: 'This site was built without its MNIST subset, so the default is a public mirror: it must allow cross-origin (CORS) requests from this page, or the run fails with an error saying so.',
  };
}

/** The `mnistUrl` input of an MNIST example. */
export const MNIST_INPUT: InputSpec = {
  name: 'mnistUrl',
  label: 'MNIST URL',
  kind: 'url',
  resolve: () => mnistSource(),
};
