import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { getRule } from '@plasticity/core-tensors';
import { cli, onlyJson, tempDir } from './harness.test-util.js';
import type { CliRun } from './harness.test-util.js';
import { collectVersions } from './versions.js';

// What keeps a run directory honest (in this process, cpu backend, one-second runs): the run
// id in every file, --overwrite that never loses the earlier run, an --out checked before
// anything slow, the truth after Ctrl-C, eval without optimiser state, recorded versions.

const quick = ['train', 'backprop', '--dataset', 'yinyang', '--epochs', '1', '--batch-size', '100'];
const cpu = ['--backend', 'cpu', '--json', '-q'];

interface Evaluated {
  accuracy: number;
  epoch: number;
}

const json = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8'));
const lines = (path: string): Record<string, unknown>[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

async function evaluate(run: string): Promise<Evaluated> {
  return onlyJson<Evaluated>(
    await cli(['eval', '--run', run, '--dataset', 'yinyang', '--backend', 'cpu', '--json']),
  );
}

/** Runs the CLI and aborts it (as Ctrl-C does) once `ready()`, e.g. once the run is writing. */
async function cliStoppedWhen(argv: string[], cwd: string, ready: () => boolean): Promise<CliRun> {
  const controller = new AbortController();
  const timer = setInterval(() => {
    if (ready()) controller.abort();
  }, 5);
  try {
    return await cli(argv, { cwd, signal: controller.signal });
  } finally {
    clearInterval(timer);
  }
}

describe('every file of a run carries its run id', () => {
  const dir = tempDir('runid');
  beforeAll(async () => {
    for (const [out, seed] of [
      ['a', '1'],
      ['b', '2'],
    ]) {
      const run = await cli([...quick, '--seed', seed, '--out', out, ...cpu], { cwd: dir });
      expect(run.code).toBe(0);
    }
  });

  test('config.json, checkpoint metadata, each metrics line and result.json hold the same id', () => {
    const runId = json(join(dir, 'a', 'config.json')).runId;
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(json(join(dir, 'b', 'config.json')).runId).not.toBe(runId);
    expect((json(join(dir, 'a', 'checkpoint', 'checkpoint.json')).metadata as { runId: string }).runId).toBe(
      runId,
    );
    expect(lines(join(dir, 'a', 'metrics.jsonl')).map((l) => l.runId)).toEqual([runId]);
    expect(json(join(dir, 'a', 'result.json')).runId).toBe(runId);
  });

  test('eval and --resume refuse a directory mixing two runs, naming the files that disagree', async () => {
    cpSync(join(dir, 'a'), join(dir, 'mixed'), { recursive: true });
    rmSync(join(dir, 'mixed', 'checkpoint'), { recursive: true });
    cpSync(join(dir, 'b', 'checkpoint'), join(dir, 'mixed', 'checkpoint'), { recursive: true });
    writeFileSync(
      join(dir, 'mixed', 'metrics.jsonl'),
      readFileSync(join(dir, 'a', 'metrics.jsonl'), 'utf8') +
        readFileSync(join(dir, 'b', 'metrics.jsonl'), 'utf8'),
    );
    const [a, b] = ['a', 'b'].map((r) => json(join(dir, r, 'config.json')).runId as string);

    const evaluated = await cli(['eval', '--run', 'mixed', '--dataset', 'yinyang', '--backend', 'cpu'], {
      cwd: dir,
    });
    expect(evaluated.code).toBe(1);
    expect(evaluated.stdout).toBe('');
    expect(evaluated.stderr).toBe(
      `error [E_CHECKPOINT]: ${join(dir, 'mixed')} mixes files of different runs: config.json is run ${a}, ` +
        `but checkpoint/checkpoint.json (run ${b}), metrics.jsonl lines 2 (run ${b}); train a new run in an empty directory\n`,
    );
    const resumed = await cli(['train', '--resume', '--out', 'mixed', ...cpu], { cwd: dir });
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toMatch(/^error \[E_CHECKPOINT\]: .*mixed mixes files of different runs/);
  });
});

describe('--overwrite replaces a run only once the replacement has a checkpoint', () => {
  test('a finished replacement takes the place of the earlier run; files that are not the run stay', async () => {
    const dir = tempDir('overwrite');
    expect((await cli([...quick, '--out', 'r', ...cpu], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, 'r', 'notes.txt'), 'mine');
    const old = json(join(dir, 'r', 'config.json')).runId;
    const run = await cli([...quick, '--epochs', '2', '--overwrite', '--out', 'r', ...cpu], { cwd: dir });
    expect(run.code).toBe(0);
    const runId = json(join(dir, 'r', 'config.json')).runId;
    expect(runId).not.toBe(old);
    expect(lines(join(dir, 'r', 'metrics.jsonl')).map((l) => [l.epoch, l.runId])).toEqual([
      [1, runId],
      [2, runId],
    ]);
    expect(readFileSync(join(dir, 'r', 'notes.txt'), 'utf8')).toBe('mine');
    expect(readdirSync(dir).sort()).toEqual(['r']);
    expect((await evaluate(join(dir, 'r'))).epoch).toBe(2);
  });

  test('a replacement that diverges leaves the earlier run as it was', async () => {
    const dir = tempDir('overwrite-diverge');
    expect((await cli([...quick, '--out', 'r', ...cpu], { cwd: dir })).code).toBe(0);
    const before = await evaluate(join(dir, 'r'));
    const config = readFileSync(join(dir, 'r', 'config.json'), 'utf8');
    const diverged = await cli([...quick, '--lr', '1e30', '--overwrite', '--out', 'r', ...cpu], { cwd: dir });
    expect(diverged.code).toBe(1);
    expect(diverged.stderr).toMatch(/^error \[E_DIVERGED\]: training diverged/);
    expect(readdirSync(dir).sort()).toEqual(['r']);
    expect(readFileSync(join(dir, 'r', 'config.json'), 'utf8')).toBe(config);
    expect(await evaluate(join(dir, 'r'))).toEqual(before);
  });

  test('Ctrl-C before the first checkpoint discards the replacement and keeps the earlier run as it was', async () => {
    const dir = tempDir('overwrite-stop');
    expect((await cli([...quick, '--out', 'r', ...cpu], { cwd: dir })).code).toBe(0);
    const before = await evaluate(join(dir, 'r'));
    const config = readFileSync(join(dir, 'r', 'config.json'), 'utf8');
    // The replacement is written beside the run, as r.new-<run id>.
    // Batches of one: the first epoch takes long enough to be interrupted in. The replacement
    // is written beside the run, as r.new-<run id>.
    const stopped = await cliStoppedWhen(
      [...quick, '--batch-size', '1', '--overwrite', '--out', 'r', ...cpu],
      dir,
      () =>
        readdirSync(dir).some(
          (name) => name.startsWith('r.new-') && existsSync(join(dir, name, 'config.json')),
        ),
    );
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain(
      `stopped in epoch 1, before the replacement's first checkpoint: the replacement is discarded and the earlier run in ${join(dir, 'r')} is kept as it was`,
    );
    expect(readdirSync(dir).sort()).toEqual(['r']);
    expect(readFileSync(join(dir, 'r', 'config.json'), 'utf8')).toBe(config);
    expect(await evaluate(join(dir, 'r'))).toEqual(before);
  });
});

describe('leftovers of a killed --overwrite', () => {
  test('the next run removes a replacement without a checkpoint and keeps one caught mid-swap', async () => {
    const dir = tempDir('leftovers');
    expect((await cli([...quick, '--out', 'r', ...cpu], { cwd: dir })).code).toBe(0);
    mkdirSync(join(dir, 'r.new-early'));
    writeFileSync(join(dir, 'r.new-early', 'config.json'), '{}');
    mkdirSync(join(dir, 'r.new-swapping', 'checkpoint'), { recursive: true });
    writeFileSync(join(dir, 'r.new-swapping', 'checkpoint', 'checkpoint.json'), '{}');
    const resumed = await cli(['train', '--resume', '--out', 'r', ...cpu], { cwd: dir });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(
      `warning: removing ${join(dir, 'r.new-early')}, left by an interrupted --overwrite\n`,
    );
    expect(resumed.stderr).toContain(
      `warning: ${join(dir, 'r.new-swapping')} was left by an --overwrite interrupted while swapping runs; it is kept for you to check\n`,
    );
    expect(readdirSync(dir).sort()).toEqual(['r', 'r.new-swapping']);
  });
});

describe('Ctrl-C says what is on disk', () => {
  test('in epoch 1: there is no checkpoint yet, and how to start again', async () => {
    const dir = tempDir('stop-early');
    const out = join(dir, 'r');
    const stopped = await cliStoppedWhen([...quick, '--batch-size', '1', '--out', 'r', ...cpu], dir, () =>
      existsSync(join(out, 'config.json')),
    );
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).not.toContain('checkpoint is kept');
    expect(stopped.stderr).toContain(
      `stopped in epoch 1, before the first checkpoint: ${out} holds the run's config.json but no weights; ` +
        `plasticity train --resume --out ${out} starts it again from epoch 1\n`,
    );
    expect(existsSync(join(out, 'checkpoint'))).toBe(false);
  });

  test('a resumed run stopped before it started training says the run is as it was', async () => {
    const dir = tempDir('stop-resume');
    expect((await cli([...quick, '--out', 'r', ...cpu], { cwd: dir })).code).toBe(0);
    const stopped = await cli(['train', '--resume', '--out', 'r', ...cpu], {
      cwd: dir,
      signal: AbortSignal.abort(),
    });
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain(
      `stopped before training resumed; ${join(dir, 'r')} is as it was: continue with plasticity train --resume --out ${join(dir, 'r')}\n`,
    );
  });
});

describe('eval needs the params only', () => {
  test('a checkpoint without optimizer.safetensors evaluates; --resume refuses it saying why', async () => {
    const dir = tempDir('params-only');
    const trained = onlyJson<{ test: { accuracy: number } }>(
      await cli([...quick, '--epochs', '2', '--out', 'r', ...cpu], { cwd: dir }),
    );
    rmSync(join(dir, 'r', 'checkpoint', 'optimizer.safetensors'));
    const before = tf.memory().numTensors;
    const evaluated = await evaluate(join(dir, 'r'));
    expect(tf.memory().numTensors).toBe(before);
    expect(evaluated.accuracy).toBe(trained.test.accuracy);

    // A finished run resumes to just report itself, but only with its optimiser state.
    const resumed = await cli(['train', '--resume', '--out', 'r', ...cpu], { cwd: dir });
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toBe(
      `error [E_CHECKPOINT]: ${join(dir, 'r', 'checkpoint', 'optimizer.safetensors')} is missing: ` +
        'the optimiser state is needed to continue training (inference needs only model.safetensors)\n',
    );
  });
});

describe('--out is checked before the backend starts and the data loads', () => {
  // Missing MNIST files with downloads off: reaching the data would be a different error.
  const noData = ['--dataset', 'mnist', '--no-download', '--backend', 'cpu', '-q'];

  test('a file, or a file in the path: E_OUTPUT naming it', async () => {
    const dir = tempDir('out-file');
    writeFileSync(join(dir, 'taken'), '');
    const data = tempDir('out-no-data');
    for (const [out, problem] of [
      ['taken', `${join(dir, 'taken')} is a file, not a directory`],
      [join('taken', 'run'), `${join(dir, 'taken')} is a file, not a directory`],
    ]) {
      const run = await cli(['train', 'backprop', ...noData, '--data-dir', data, '--out', out], { cwd: dir });
      expect({ out, code: run.code, stderr: run.stderr }).toEqual({
        out,
        code: 1,
        stderr: `error [E_OUTPUT]: --out ${join(dir, out)}: ${problem}; choose another --out\n`,
      });
    }
    expect(readdirSync(data)).toEqual([]);
  });
});

describe('versions of the packages a run used', () => {
  test('each rule records its own package and @plasticity dependencies, and only those', () => {
    const eventprop = collectVersions(getRule('eventprop'));
    // Besides the installed tfjs backends (@tensorflow/*):
    expect(
      Object.keys(eventprop)
        .filter((name) => !name.startsWith('@tensorflow/'))
        .sort(),
    ).toEqual(
      [
        'node',
        'tfjs-core',
        'plasticity',
        '@plasticity/core-tensors',
        '@plasticity/datasets',
        '@plasticity/neurons',
        '@plasticity/rule-eventprop',
      ].sort(),
    );
    const backprop = collectVersions(getRule('backprop'));
    expect(backprop['@plasticity/rule-backprop']).toMatch(/^\d+\.\d+\.\d+/);
    expect(backprop).not.toHaveProperty('@plasticity/rule-eventprop');
    expect(eventprop['@tensorflow/tfjs-backend-wasm']).toMatch(/^\d/);
  });

  test('info lists every rule with its package and version', async () => {
    const info = onlyJson<{ rules: { name: string; package?: { name: string; version: string } }[] }>(
      await cli(['info', '--json']),
    );
    for (const rule of info.rules) {
      expect(rule.package).toEqual({
        name: `@plasticity/rule-${rule.name}`,
        version: expect.stringMatching(/^\d/),
      });
    }
    expect(info.rules.map((r) => r.name)).toEqual(
      expect.arrayContaining(['backprop', 'bptt', 'eventprop', 'forward-forward', 'least-control']),
    );
  });
});
