import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { githubSlug, siteHref } from '../.vitepress/repo-links.js';

const repoRoot = '/repo';
const options = {
  repoRoot,
  srcDir: join(repoRoot, 'docs'),
  repoUrl: 'https://github.com/o/r',
  packageDirs: ['neurons', 'datasets'],
};

describe('siteHref', () => {
  test.each([
    // Guides' relative links out of docs/: package READMEs to package pages, the rest to GitHub.
    ['../packages/neurons/README.md#encoders', 'spiking.md', '/packages/neurons.md#encoders'],
    ['../packages/neurons', 'spiking.md', '/packages/neurons.md'],
    ['../README.md#backends', 'getting-started.md', 'https://github.com/o/r/blob/main/README.md#backends'],
    ['../packages/unknown/README.md', 'spiking.md', 'https://github.com/o/r/blob/main/packages/unknown/README.md'],
    // READMEs' absolute links: package READMEs and guides to their pages.
    ['https://github.com/o/r/blob/main/packages/datasets/README.md#yin-yang', 'packages/neurons.md', '/packages/datasets.md#yin-yang'],
    ['https://github.com/o/r/blob/main/docs/cli.md#train', 'packages/neurons.md', '/cli.md#train'],
  ])('%s on %s goes to %s', (href, page, expected) => {
    expect(siteHref(href, page, options)).toBe(expected);
  });

  test.each([
    ['cli.md#the-report', 'getting-started.md'], // a page of the site: VitePress's own
    ['#plugins', 'cli.md'],
    ['https://example.org/x', 'cli.md'],
    ['https://github.com/o/r/tree/main/packages/neurons', 'packages/neurons.md'], // the source folder
    ['https://github.com/o/r/blob/main/LICENSE', 'packages/neurons.md'],
    ['/api/', 'index.md'],
  ])('%s on %s is left as it is', (href, page) => {
    expect(siteHref(href, page, options)).toBeUndefined();
  });
});

test('githubSlug makes the anchors GitHub makes', () => {
  expect(githubSlug('Overriding single settings with --set')).toBe('overriding-single-settings-with---set');
  expect(githubSlug('Event-driven simulation (and its adjoint)')).toBe('event-driven-simulation-and-its-adjoint');
  expect(githubSlug('MNIST_FAMILIES')).toBe('mnist_families');
});
