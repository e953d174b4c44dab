import { defineConfig } from 'vitepress';
import type { DefaultTheme } from 'vitepress';
import { join } from 'node:path';
import { packages, repoRoot, REPO_URL } from './packages.js';
import { githubSlug, repoLinks } from './repo-links.js';
import { tfjsWasmAssets } from './theme/live/wasm-assets.js';

// DOCS_BASE sets the path the site is served under (e.g. '/plasticity/' on a project page);
// the default '/' serves it from a host's root.
const base = process.env.DOCS_BASE ?? '/';

const guides: DefaultTheme.SidebarItem = {
  text: 'Guides',
  items: [
    { text: 'Getting started', link: '/getting-started' },
    { text: 'Spiking networks', link: '/spiking' },
    { text: 'Local learning', link: '/local-learning' },
    { text: 'Gated synapses', link: '/gated-synapses' },
    { text: 'Spike-event learning', link: '/spike-event-learning' },
    { text: 'Write your own rule', link: '/write-a-rule' },
    { text: 'Command line', link: '/cli' },
  ],
};

const examples: DefaultTheme.SidebarItem = {
  text: 'Examples',
  link: '/examples/',
  items: [
    { text: 'EventProp on Yin-Yang', link: '/examples/eventprop-yinyang' },
    { text: 'BPTT vs EventProp', link: '/examples/bptt-vs-eventprop' },
    { text: 'BTSP place field', link: '/examples/btsp-place-field' },
    { text: 'EASGD with Web Workers', link: '/examples/easgd-workers' },
    { text: 'Least-control on MNIST', link: '/examples/least-control-mnist' },
    { text: 'Forward-Forward on MNIST', link: '/examples/forward-forward-mnist' },
  ],
};

const packagePages: DefaultTheme.SidebarItem = {
  text: 'Packages',
  link: '/packages/',
  items: packages.map((p) => ({ text: p.name, link: `/${p.page}` })),
};

const apiPages: DefaultTheme.SidebarItem = {
  text: 'API reference',
  link: '/api/',
  items: packages.flatMap((p) => p.entries.map((e) => ({ text: e.name, link: `/${e.page}` }))),
};

export default defineConfig({
  title: 'plasticity',
  description:
    'Learning-rule plugins on TensorFlow.js: train spiking and non-spiking networks in Node and the browser.',
  base,
  cleanUrls: false,
  lastUpdated: false,
  srcExclude: ['scripts/**', 'test/**'],
  vite: {
    plugins: [tfjsWasmAssets()],
    // Live examples train in module workers that load their backend by dynamic import.
    worker: { format: 'es' },
    // Found only when an example mounts; listed so docs:dev does not re-optimise and reload then.
    optimizeDeps: { include: ['uplot'] },
  },
  markdown: {
    anchor: { slugify: githubSlug },
    config(md) {
      md.use(repoLinks, {
        repoRoot,
        srcDir: join(repoRoot, 'docs'),
        repoUrl: REPO_URL,
        packageDirs: packages.map((p) => p.dir),
      });
    },
  },
  themeConfig: {
    search: { provider: 'local' },
    socialLinks: [{ icon: 'github', link: REPO_URL }],
    nav: [
      { text: 'Guide', link: '/getting-started' },
      { text: 'Examples', link: '/examples/' },
      { text: 'Packages', link: '/packages/' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: {
      '/api/': [apiPages],
      '/packages/': [packagePages, guides],
      '/': [guides, examples, packagePages],
    },
    outline: { level: [2, 3] },
  },
});
