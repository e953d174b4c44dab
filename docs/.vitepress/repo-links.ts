// The guides and READMEs are written for GitHub: the guides link to files by relative path
// (`../packages/neurons/README.md`), the package READMEs (shown on npm too) by absolute GitHub URL.
// On the site, a link to a package's README goes to its package page, a link to a guide to the
// guide's page, and a link to any other file of the repository to that file on GitHub. The
// markdown stays as it is, so the same links keep working on GitHub and npm.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import type MarkdownIt from 'markdown-it';

export interface RepoLinksOptions {
  /** The repository's root folder. */
  readonly repoRoot: string;
  /** The site's source folder (docs/), inside the repository. */
  readonly srcDir: string;
  /** `https://github.com/<owner>/<name>`. */
  readonly repoUrl: string;
  /** The folders under packages/ that have a page at `/packages/<dir>`. */
  readonly packageDirs: readonly string[];
}

/**
 * Where a link of a page goes on the site, or undefined to leave it. `page` is the page's path
 * relative to the site's source folder; `href` the link as written.
 */
export function siteHref(href: string, page: string, options: RepoLinksOptions): string | undefined {
  const blob = `${options.repoUrl}/blob/main/`;
  const tree = `${options.repoUrl}/tree/main/`;
  let repoPath: string;
  let hash = '';
  if (href.startsWith(blob) || href.startsWith(tree)) {
    [repoPath, hash = ''] = href.slice(blob.length).split('#');
  } else if (/^[a-z][a-z0-9+.-]*:|^#|^\//i.test(href)) {
    return undefined;
  } else {
    const [path, anchor = ''] = href.split('#');
    const target = join(options.srcDir, dirname(page), decodeURIComponent(path));
    const inSite = relative(options.srcDir, target);
    if (!inSite.startsWith('..')) return undefined; // a page of the site: VitePress resolves it
    repoPath = relative(options.repoRoot, target).split(sep).join('/');
    if (repoPath.startsWith('..')) return undefined;
    hash = anchor;
  }
  const anchor = hash ? `#${hash}` : '';
  const pkg = /^packages\/([^/]+)(?:\/(?:README\.md)?)?$/.exec(repoPath);
  // A package's folder on GitHub (`tree/main/packages/x`) means its source: left as it is.
  if (pkg && !href.startsWith(tree) && options.packageDirs.includes(pkg[1])) {
    return `/packages/${pkg[1]}.md${anchor}`;
  }
  const doc = /^docs\/(.+\.md)$/.exec(repoPath);
  if (doc) return `/${doc[1]}${anchor}`;
  // Not a page of the site: the file on GitHub (relative links only; absolute ones already are).
  if (href.startsWith(blob) || href.startsWith(tree)) return undefined;
  const full = join(options.repoRoot, repoPath);
  const kind = existsSync(full) && statSync(full).isDirectory() ? tree : blob;
  return `${kind}${posix.normalize(repoPath)}${anchor}`;
}

/** The markdown-it plugin: rewrites link hrefs (before VitePress's own link handling). */
export function repoLinks(md: MarkdownIt, options: RepoLinksOptions): void {
  md.core.ruler.push('plasticity-repo-links', (state) => {
    const path = (state.env as { path?: string }).path;
    if (!path) return;
    const page = relative(options.srcDir, path);
    for (const block of state.tokens) {
      for (const token of block.children ?? []) {
        if (token.type !== 'link_open') continue;
        const href = token.attrGet('href');
        const to = href && siteHref(href, page, options);
        if (to) token.attrSet('href', to);
      }
    }
  });
}

/**
 * GitHub's heading anchors (lower case, punctuation dropped, spaces to hyphens), so that a link
 * like `cli.md#overriding-single-settings-with---set` lands on the same heading on both.
 */
export function githubSlug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}
