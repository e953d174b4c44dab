import { defineConfig } from 'vitepress';
import { tfjsWasmAssets } from './theme/live/wasm-assets.js';

// DOCS_BASE sets the path the site is served under (e.g. '/plasticity/' on a project page);
// the default '/' serves it from a host's root.
const base = process.env.DOCS_BASE ?? '/';

export default defineConfig({
  title: 'plasticity',
  description:
    'Learning-rule plugins on TensorFlow.js: train spiking and non-spiking networks in Node and the browser.',
  base,
  cleanUrls: false,
  lastUpdated: false,
  vite: {
    plugins: [tfjsWasmAssets()],
    // Live examples train in module workers that load their backend by dynamic import.
    worker: { format: 'es' },
    // Found only when an example mounts; listed so docs:dev does not re-optimise and reload then.
    optimizeDeps: { include: ['uplot'] },
  },
  themeConfig: {
    search: { provider: 'local' },
    nav: [
      { text: 'Guide', link: '/getting-started' },
      { text: 'Examples', link: '/examples/' },
      { text: 'Packages', link: '/packages/' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: [
      {
        text: 'Guides',
        items: [
          { text: 'Getting started', link: '/getting-started' },
          { text: 'Spiking networks', link: '/spiking' },
          { text: 'Local learning', link: '/local-learning' },
          { text: 'Command line', link: '/cli' },
        ],
      },
      {
        text: 'Examples',
        items: [
          { text: 'All examples', link: '/examples/' },
          { text: 'EventProp on Yin-Yang', link: '/examples/eventprop-yinyang' },
          { text: 'BPTT vs EventProp', link: '/examples/bptt-vs-eventprop' },
        ],
      },
    ],
  },
});
