import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { tempDir } from './harness.test-util.js';
import { builtMain, packageDir, spawnCli, waitFor } from './binary.test-util.js';

// Run directories across process boundaries, with the built binary: two runs on one --out, a
// replacement killed with SIGKILL, an --out that used to hang, a project moved with its plugin.
// Run `npm run build` first when calling jest directly (Nx builds before testing).

const yinyang = ['--dataset', 'yinyang', '--backend', 'cpu', '--json', '-q'];
// Batches of two: an epoch that lasts seconds, long enough to start or kill something during it.
const slow = ['train', 'backprop', ...yinyang, '--epochs', '1', '--batch-size', '2'];
const quick = ['train', 'backprop', ...yinyang, '--epochs', '1', '--batch-size', '100'];
const evalArgs = (run: string): string[] => [
  'eval',
  '--run',
  run,
  '--dataset',
  'yinyang',
  '--backend',
  'cpu',
  '--json',
];

const json = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8'));

beforeAll(() => {
  if (!existsSync(builtMain)) throw new Error(`${builtMain} is missing: build first (npm run build)`);
});

describe('one run directory, two processes', () => {
  test('two train runs started at once on one --out: one trains, the other fails at once naming it', async () => {
    const cwd = tempDir('two-runs');
    const runs = [
      spawnCli([...slow, '--out', 'shared'], cwd),
      spawnCli([...slow, '--seed', '1', '--out', 'shared'], cwd),
    ];
    const loser = await Promise.race(runs.map((run, i) => run.exited.then(() => i)));
    const winner = runs[1 - loser];
    const refused = await runs[loser].exited;
    expect(winner.child.exitCode).toBeNull(); // still training
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(
      new RegExp(
        `^error \\[E_LOCKED\\]: .*shared is being written by another run, pid ${winner.child.pid} on \\S+ \\(since [0-9T:.-]+Z\\); ` +
          'wait for it to end or choose another --out\\n$',
      ),
    );
    const done = await winner.exited;
    expect(done.code).toBe(0);
    expect(existsSync(join(cwd, 'shared.lock'))).toBe(false);
    // The directory holds the winner's run alone, and eval scores exactly that.
    const { runId } = JSON.parse(done.stdout);
    expect(json(join(cwd, 'shared', 'config.json')).runId).toBe(runId);
    const evaluated = await spawnCli(evalArgs('shared'), cwd).exited;
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(evaluated.stdout).accuracy).toBe(JSON.parse(done.stdout).test.accuracy);
  });

  test('--overwrite killed (SIGKILL) before its first checkpoint leaves the earlier run intact; the next run cleans up', async () => {
    const cwd = tempDir('overwrite-kill');
    const trained = await spawnCli([...quick, '--out', 'r'], cwd).exited;
    expect(trained.code).toBe(0);
    const config = readFileSync(join(cwd, 'r', 'config.json'), 'utf8');
    const replacement = (): string | undefined => readdirSync(cwd).find((name) => name.startsWith('r.new-'));

    const killed = spawnCli([...slow, '--overwrite', '--out', 'r'], cwd);
    await waitFor(() => {
      const name = replacement();
      return name !== undefined && existsSync(join(cwd, name, 'config.json'));
    }, 'the replacement to start');
    killed.child.kill('SIGKILL');
    expect((await killed.exited).signal).toBe('SIGKILL');

    expect(readFileSync(join(cwd, 'r', 'config.json'), 'utf8')).toBe(config);
    const evaluated = await spawnCli(evalArgs('r'), cwd).exited;
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(evaluated.stdout).accuracy).toBe(JSON.parse(trained.stdout).test.accuracy);

    // The killed run left its lock and its replacement; the next run on r removes both, saying so.
    const leftover = replacement() as string;
    const resumed = await spawnCli(['train', '--resume', '--out', 'r', '--json'], cwd).exited;
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(
      `warning: removing the stale lock ${join(cwd, 'r.lock')} of pid ${killed.child.pid}`,
    );
    expect(resumed.stderr).toContain(
      `warning: removing ${join(cwd, leftover)}, left by an interrupted --overwrite`,
    );
    expect(readdirSync(cwd).sort()).toEqual(['r']);
  });
});

describe('--out that cannot be a run directory', () => {
  test('paths under /proc and /sys fail at once with E_OUTPUT (no hang)', async () => {
    const cwd = tempDir('out-proc');
    for (const out of ['/proc/plasticity-run', '/sys/plasticity-run']) {
      const run = await spawnCli([...quick, '--out', out], cwd, 30_000).exited;
      expect({ out, signal: run.signal, code: run.code }).toEqual({ out, signal: null, code: 1 });
      expect(run.stderr).toMatch(
        new RegExp(
          `^error \\[E_OUTPUT\\]: --out ${out}: cannot create ${out} \\([a-z ]+\\); choose another --out\\n$`,
        ),
      );
    }
  });
});

describe('a project moved together with its runs and plugin', () => {
  test('eval still finds the plugin (stored relative to the run); the run records the plugin package', async () => {
    const root = tempDir('project');
    const before = join(root, 'before');
    mkdirSync(join(before, 'rules'), { recursive: true });
    // The project's dependencies: this repository's (plasticity, tfjs, zod).
    symlinkSync(join(packageDir, '..', '..', 'node_modules'), join(before, 'node_modules'));
    writeFileSync(
      join(before, 'package.json'),
      JSON.stringify({ name: 'my-rules', version: '2.3.4', type: 'module' }),
    );
    copyFileSync(
      join(packageDir, 'src', 'cli', 'fixtures', 'centroid-rule.mjs'),
      join(before, 'rules', 'centroid.mjs'),
    );

    const plugin = ['--plugin', './rules/centroid.mjs'];
    const info = await spawnCli([...plugin, 'info'], before).exited;
    expect(info.stdout).toMatch(/\n {2}centroid +my-rules 2\.3\.4 +Nearest class mean/);
    const trained = await spawnCli(
      [...plugin, 'train', 'centroid', ...yinyang, '--epochs', '1', '--out', join('runs', 'c')],
      before,
    ).exited;
    expect(trained.code).toBe(0);
    const config = json(join(before, 'runs', 'c', 'config.json'));
    expect(config.plugins).toEqual([join('..', '..', 'rules', 'centroid.mjs')]);
    expect(config.versions).toMatchObject({ 'my-rules': '2.3.4' });

    const after = join(root, 'after');
    renameSync(before, after);
    const evaluated = await spawnCli(evalArgs(join('runs', 'c')), after).exited;
    expect(evaluated.stderr).toBe('');
    expect(JSON.parse(evaluated.stdout).accuracy).toBe(JSON.parse(trained.stdout).test.accuracy);
  });
});
