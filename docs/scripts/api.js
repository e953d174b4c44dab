// Writes the API reference (docs/api/<entry>.md, one page per public package entry) from the
// packages' TSDoc comments with TypeDoc and typedoc-plugin-markdown. Warnings (an exported type
// that refers to one not exported, a broken {@link}) are printed and left; errors fail the build.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Application, LogLevel, ReflectionKind } from 'typedoc';
import { packages, repoRoot, REPO_URL } from '../.vitepress/packages.js';

const apiDir = join(repoRoot, 'docs', 'api');
const outDir = join(apiDir, 'reference');
const entries = packages.flatMap((p) => p.entries);
const entryByName = new Map(entries.map((e) => [e.name, e]));

const app = await Application.bootstrapWithPlugins({
  // The umbrella last: TypeDoc documents a symbol under the first entry that exports it, and the
  // umbrella's re-exports then link there instead of repeating every package.
  entryPoints: [...entries]
    .sort((a, b) => Number(a.name.startsWith('plasticity')) - Number(b.name.startsWith('plasticity')))
    .map((e) => join(repoRoot, e.source)),
  entryPointStrategy: 'resolve',
  tsconfig: join(repoRoot, 'docs', 'tsconfig.api.json'),
  // Imports of a workspace package read its sources, not its built .d.ts, so that the umbrella's
  // re-exports are recognised as the symbols documented under their own package (and link there).
  // TypeScript resolves for Node (the `node` export condition), so a bare name with a Node entry
  // maps to that entry, as it does for tsc.
  compilerOptions: {
    paths: Object.fromEntries(
      entries.map((e) => [e.name, [join(repoRoot, (entryByName.get(`${e.name}/node`) ?? e).source)]]),
    ),
  },
  plugin: ['typedoc-plugin-markdown'],
  out: outDir,
  readme: 'none',
  excludePrivate: true,
  excludeInternal: true,
  excludeExternals: true,
  sourceLinkTemplate: `${REPO_URL}/blob/main/{path}#L{line}`,
  gitRevision: 'main',
  disableGit: true,
  displayBasePath: repoRoot,
  logLevel: LogLevel.Warn,
  // typedoc-plugin-markdown: one page per entry, text safe for VitePress's Vue compiler.
  outputFileStrategy: 'modules',
  flattenOutputFiles: true,
  excludeScopesInPaths: true,
  sanitizeComments: true,
  hidePageHeader: true,
  hideBreadcrumbs: true,
  useCodeBlocks: true,
});

const project = await app.convert();
if (!project) throw new Error('TypeDoc could not convert the packages (errors above)');
if (app.logger.hasErrors()) process.exit(1);
// Name each module by its import specifier, not its path (`core-tensors/src/index`).
const entryOf = new Map(entries.map((e) => [join(repoRoot, e.source), e]));
for (const module of project.getChildrenByKind(ReflectionKind.Module)) {
  const entry = entryOf.get(module.sources?.[0]?.fullFileName ?? '');
  if (!entry) throw new Error(`TypeDoc module ${module.name} matches no package entry`);
  module.name = entry.name;
}
rmSync(outDir, { recursive: true, force: true });
await app.generateOutputs(project);
if (app.logger.hasErrors()) process.exit(1);
// TypeDoc's own index lists modules by name only; the site's API index (below) says what each is.
rmSync(join(outDir, 'README.md'), { force: true });
for (const entry of entries) {
  if (!existsSync(join(repoRoot, 'docs', entry.page + '.md'))) {
    throw new Error(`TypeDoc wrote no page for ${entry.name} (expected docs/${entry.page}.md)`);
  }
}
writeFileSync(join(apiDir, 'index.md'), apiIndex());

function apiIndex() {
  const rows = packages.flatMap((p) =>
    p.entries.map((e) => `| [\`${e.name}\`](/${e.page}.md) | ${e === p.entries[0] ? p.description : ''} |`),
  );
  return [
    '<!-- Written by docs/scripts/api.js from the packages\' exports maps; do not edit. -->',
    '',
    '# API reference',
    '',
    'Every public entry of every package (the `exports` of its package.json), generated from the',
    'TSDoc comments in the sources. Each package page has the guide-style introduction.',
    '',
    '| entry | package |',
    '| ----- | ------- |',
    ...rows,
    '',
  ].join('\n');
}
