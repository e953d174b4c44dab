#!/usr/bin/env node
/* global console, process */
// `npm run new-rule -- <name>`: scaffolds a rule package laid out as the built-in ones are
// (packages/rule-<name>): manifest with the exports map and the tfjs-core peer, config schema,
// recipes, a learner on the core's gradient step, a README with a runnable example, a changeset,
// and a test that runs the rule conformance suite. It builds, lints and passes its tests as written.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as prettier from 'prettier';
import { ruleFiles } from './templates.js';

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Writes the package for rule `name` under `<root>/packages/rule-<name>` and its changeset under
 * `<root>/.changeset`, formatted as the repository formats code; resolves to the package folder.
 * Refuses a bad name or an existing folder.
 */
export async function createRule(root, name, { description } = {}) {
  if (!NAME.test(name)) {
    throw new Error(`rule name must be kebab-case letters and digits (e.g. my-rule), got "${name}"`);
  }
  const dir = join(root, 'packages', `rule-${name}`);
  if (existsSync(dir)) throw new Error(`${dir} exists already; choose another name or remove it`);
  const core = JSON.parse(readFileSync(join(root, 'packages', 'core-tensors', 'package.json'), 'utf8'));
  const files = ruleFiles({
    name,
    description: description ?? `The ${name} learning rule, as a plasticity rule plugin.`,
    coreVersion: core.version,
    zodVersion: core.dependencies.zod,
    tfjsRange: core.peerDependencies['@tensorflow/tfjs-core'],
    license: readFileSync(join(root, 'LICENSE'), 'utf8'),
  });
  for (const [path, text] of Object.entries(files)) {
    const file = join(path.startsWith('.changeset/') ? root : dir, path);
    mkdirSync(dirname(file), { recursive: true });
    const { inferredParser } = await prettier.getFileInfo(file);
    const options = await prettier.resolveConfig(join(root, 'package.json'));
    writeFileSync(file, inferredParser ? await prettier.format(text, { ...options, filepath: file }) : text);
  }
  return dir;
}

const USAGE = `usage: npm run new-rule -- <name> [--description "..."] [--root DIR]

Writes packages/rule-<name> (a rule plugin laid out as the built-in ones, with a test that runs
the conformance suite) and .changeset/rule-<name>-first.md.`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        root: { type: 'string' },
        description: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    console.error(`new-rule: ${error.message}\n${USAGE}`);
    process.exit(2);
  }
  const { positionals, values } = args;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (positionals.length !== 1) {
    console.error(USAGE);
    process.exit(2);
  }
  const root = resolve(values.root ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..'));
  try {
    const dir = await createRule(root, positionals[0], { description: values.description });
    console.log(
      `created ${dir}\nnext: npm install (links the package), then npx nx run-many -t build lint test -p @plasticity/rule-${positionals[0]}`,
    );
  } catch (error) {
    console.error(`new-rule: ${error.message}`);
    process.exit(2);
  }
}
