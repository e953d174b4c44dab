import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from '@jest/globals';
// @ts-expect-error: the generator is plain JavaScript (it runs without a build).
import { createRule } from '../create-rule.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = (tool: string) => join(repo, 'node_modules', ...tool.split('/'));

/** A workspace as a contributor's clone has it: the shared config, tools and the core package. */
function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'new-rule-'));
  for (const entry of [
    'node_modules',
    'tools',
    'tsconfig.base.json',
    'eslint.config.js',
    '.prettierrc.json',
    'LICENSE',
  ])
    symlinkSync(join(repo, entry), join(root, entry));
  mkdirSync(join(root, 'packages'));
  symlinkSync(join(repo, 'packages', 'core-tensors'), join(root, 'packages', 'core-tensors'));
  mkdirSync(join(root, '.changeset'));
  return root;
}

function run(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(process.execPath, args, { cwd, maxBuffer: 1 << 26 }, (error, stdout, stderr) =>
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

test('the generated package builds, typechecks, lints, is formatted and passes its tests as written', async () => {
  const root = workspace();
  roots.push(root);
  const dir: string = await createRule(root, 'hebb-check', {
    description: 'A rule made by the generator test.',
  });
  expect(dir).toBe(join(root, 'packages', 'rule-hebb-check'));
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
  expect(manifest.peerDependencies).toHaveProperty('@tensorflow/tfjs-core');
  expect(existsSync(join(root, '.changeset', 'rule-hebb-check-first.md'))).toBe(true);

  // Formatting first: the build's output is not source.
  const steps: [string, string[], string][] = [
    ['format', [bin('prettier/bin/prettier.cjs'), '--check', 'packages/rule-hebb-check'], root],
    ['build', [bin('typescript/bin/tsc'), '-b', 'tsconfig.build.json'], dir],
    ['typecheck', [bin('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], dir],
    ['lint', [bin('eslint/bin/eslint.js'), 'src'], dir],
    ['test', ['--experimental-vm-modules', bin('jest/bin/jest.js')], dir],
  ];
  for (const [step, args, cwd] of steps) {
    const result = await run(args, cwd);
    expect({ step, code: result.code, output: result.code === 0 ? '' : result.output }).toEqual({
      step,
      code: 0,
      output: '',
    });
  }
  expect(existsSync(join(dir, 'dist', 'index.js'))).toBe(true);
}, 900_000);

test('refuses a name that is not kebab-case, and a folder that exists', async () => {
  const root = workspace();
  roots.push(root);
  await expect(createRule(root, 'My_Rule')).rejects.toThrow(/kebab-case/);
  await createRule(root, 'twice');
  await expect(createRule(root, 'twice')).rejects.toThrow(/exists already/);
});

test('the command prints its usage for --help, and refuses an unknown option without a stack trace', async () => {
  const script = join(repo, 'tools', 'create-rule', 'create-rule.js');
  const help = await run([script, '--help'], repo);
  expect(help.code).toBe(0);
  expect(help.output).toMatch(/^usage: npm run new-rule -- <name>/);
  const unknown = await run([script, 'x', '--bogus'], repo);
  expect(unknown.code).toBe(2);
  expect(unknown.output).toMatch(/^new-rule: Unknown option '--bogus'/);
  expect(unknown.output).not.toMatch(/\n\s+at /);
});
