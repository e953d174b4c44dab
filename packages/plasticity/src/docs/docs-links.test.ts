// Links in the docs lead somewhere: relative links in the repository's own pages name files that
// exist, and package READMEs (shown on npm, where relative paths break) link to the repository
// by absolute URL, to files and headings that exist.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@jest/globals';
import { docFiles } from './doc-blocks.test-util.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const REPO_URL = 'https://github.com/plasticity-js/plasticity/blob/main/';

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const text = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return new Set(
    [...text.matchAll(/^#{1,6}\s+(.*)$/gm)].map((m) =>
      m[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    ),
  );
}

function linksIn(markdown: string): string[] {
  const text = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
}

test.each(docFiles(repo))('links in %s lead somewhere', (doc) => {
  const problems: string[] = [];
  const isPackageReadme = doc.startsWith('packages/');
  for (const link of linksIn(readFileSync(join(repo, doc), 'utf8'))) {
    if (/^(https?:|mailto:)/.test(link) && !link.startsWith(REPO_URL)) continue;
    let target: string;
    if (link.startsWith(REPO_URL)) target = link.slice(REPO_URL.length);
    else if (isPackageReadme && !link.startsWith('#')) {
      problems.push(`${link}: relative links break on npm; link ${REPO_URL}...`);
      continue;
    } else target = link.startsWith('#') ? doc + link : normalize(join(dirname(doc), link));
    const [path, anchor] = target.split('#');
    if (!existsSync(join(repo, path))) problems.push(`${link}: ${path} does not exist`);
    else if (
      anchor &&
      path.endsWith('.md') &&
      !anchorsOf(readFileSync(join(repo, path), 'utf8')).has(anchor)
    ) {
      problems.push(`${link}: no heading #${anchor} in ${path}`);
    }
  }
  expect(problems).toEqual([]);
});
