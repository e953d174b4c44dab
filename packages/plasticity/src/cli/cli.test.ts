import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { cli, tempDir } from './harness.test-util.js';
import { createProgram } from './program.js';

// Mistakes a user makes: each is one clear line on stderr, nothing on stdout, exit status 2.
describe('usage errors', () => {
  const dir = tempDir('usage');

  async function expectUsageError(argv: string[], pattern: RegExp): Promise<string> {
    const run = await cli(argv, { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    return lines[0];
  }

  test('unknown rule names the rule and the known ones', async () => {
    const line = await expectUsageError(
      ['train', 'nope', '--dataset', 'yinyang'],
      /^error \[E_UNKNOWN_RULE\]: .*"nope"/,
    );
    expect(line).toContain('backprop');
  });

  test('unknown dataset lists the known ones', async () => {
    await expectUsageError(
      ['train', 'backprop', '--dataset', 'nope'],
      /^error \[E_UNKNOWN_DATASET\]: .*'nope'.*yinyang/,
    );
  });

  test('unknown flag, with a suggestion', async () => {
    await expectUsageError(
      ['train', 'backprop', '--dataset', 'yinyang', '--epoch', '3'],
      /unknown option '--epoch'.*--epochs/,
    );
  });

  test('bad flag values', async () => {
    await expectUsageError(
      ['train', 'backprop', '--dataset', 'yinyang', '--epochs', '0'],
      /--epochs.*invalid/,
    );
    await expectUsageError(['train', 'backprop', '--dataset', 'yinyang', '--lr', 'fast'], /--lr.*invalid/);
    await expectUsageError(
      ['train', 'backprop', '--dataset', 'yinyang', '--backend', 'tpu'],
      /--backend.*tpu.*invalid/i,
    );
  });

  test('unknown command', async () => {
    await expectUsageError(['trian'], /unknown command 'trian'/);
  });

  test('missing rule or dataset', async () => {
    await expectUsageError(['train', '--dataset', 'yinyang'], /^error \[E_USAGE\]: missing rule/);
    await expectUsageError(['train', 'backprop'], /^error \[E_USAGE\]: missing --dataset/);
  });

  test('a bad config file: the file and every bad field, one per line', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ config: { hidden: [-3], activaton: 'relu' } }));
    const run = await cli(['train', 'backprop', '--dataset', 'yinyang', '--config', 'bad.json'], {
      cwd: dir,
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const [head, ...fields] = run.stderr.trimEnd().split('\n');
    expect(head).toMatch(/^error \[E_CONFIG\]: .*bad\.json.*2 problems/);
    expect(fields).toHaveLength(2);
    expect(fields.join('\n')).toContain('hidden');
    expect(fields.join('\n')).toContain('activaton');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    writeFileSync(path, JSON.stringify({ fit: { epochs: 'ten' } }));
    const fit = await cli(['train', 'backprop', '--dataset', 'yinyang', '--config', path], { cwd: dir });
    expect(fit.code).toBe(2);
    expect(fit.stderr).toMatch(/^error \[E_CONFIG\]: .*bad\.json/);
    expect(fit.stderr).toContain('epochs');
    await expectUsageError(
      ['train', 'backprop', '--dataset', 'yinyang', '--config', 'missing.json'],
      /missing\.json: no such file/,
    );
  });

  test('an unknown preset lists the presets', async () => {
    await expectUsageError(
      ['train', 'backprop', '--dataset', 'yinyang', '--preset', 'nope'],
      /^error \[E_CONFIG\]: .*preset "nope"/,
    );
  });

  test('eval needs exactly one data source and a run directory', async () => {
    await expectUsageError(['eval', '--run', dir], /exactly one of --dataset/);
    await expectUsageError(
      ['eval', '--run', dir, '--dataset', 'yinyang'],
      /is not a plasticity run directory/,
    );
    await expectUsageError(['eval', '--dataset', 'yinyang'], /eval needs --run DIR .* or --redis URL/);
  });

  test('--verbose (or DEBUG) adds the stack', async () => {
    const run = await cli(['train', 'nope', '--dataset', 'yinyang', '--verbose'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toMatch(/^error \[E_UNKNOWN_RULE\]/);
    expect(run.stderr).toMatch(/\n\s+at /);
    const debug = await cli(['train', 'nope', '--dataset', 'yinyang'], { cwd: dir, env: { DEBUG: '1' } });
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});

test('--help and --version go to stdout and exit 0', async () => {
  const help = await cli(['train', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('--dataset <name>');
  expect(help.stdout).toContain('--resume');
  const version = await cli(['--version']);
  expect(version.code).toBe(0);
  expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
});

test('docs/cli.md documents every command and every option as the parser defines them', () => {
  const doc = readFileSync(
    join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'docs', 'cli.md'),
    'utf8',
  );
  const sink = { write: () => true };
  const program = createProgram({ io: { stdout: sink, stderr: sink, env: {}, cwd: '.' } });
  const missing: string[] = [];
  for (const option of program.options) if (!doc.includes(`\`${option.flags}\``)) missing.push(option.flags);
  for (const command of program.commands) {
    if (!doc.includes(`## ${command.name()}\n`)) missing.push(`## ${command.name()}`);
    for (const option of command.options) {
      if (!doc.includes(`\`${option.flags}\``)) missing.push(`${command.name()} ${option.flags}`);
    }
  }
  expect(missing).toEqual([]);
});
